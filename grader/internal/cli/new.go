package cli

import (
	"context"
	"fmt"

	"github.com/concurrency-kit/kit/grader/internal/scaffold"
)

// runNew adds an exercise to the kit (grader new NAME).
func runNew(_ context.Context, a *App, o *options, args []string) error {
	kit, err := OpenKit(o.dir, a.Course)
	if err != nil {
		return asUsage(err)
	}
	ex, err := scaffold.New(kit.Root, kit.Catalog, args[0])
	if err != nil {
		return asUsage(err)
	}
	fmt.Fprintf(a.Stdout, "Added exercise %s in exercises/%s:\n", ex.Name, ex.Dir)
	for _, f := range ex.Files {
		fmt.Fprintf(a.Stdout, "  %s\n", f)
	}
	fmt.Fprintf(a.Stdout, `
Next (see .github/CONTRIBUTING.md):
  1. Write the README, the stub, the tests and the reference solution, and at
     least 8 wrong fixtures in solutions/%[1]s/testdata/mistakes/.
  2. Fill in the TODOs of its catalog entry and of its README.md table row.
  3. go test ./grader/internal/kitfiles -update   (record the kit's new files)
  4. make bin/grader && bin/grader verify %[2]s && bin/grader mutate %[2]s
`, ex.Dir, ex.Name)
	return nil
}
