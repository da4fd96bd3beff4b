// Package templates checks what the kit ships for running the grader
// elsewhere: the GitHub Actions workflow for forks
// (.github/workflows/grade.yml, also linted by make lint-ci), the GitLab
// CI template (.gitlab/grade.gitlab-ci.yml) and the Gradescope autograder
// (.gradescope: setup.sh, run_autograder, and build.sh behind make
// gradescope). It has no code of its own; its tests read, build and run
// those files.
package templates
