package github

import (
	"fmt"
	"os"
)

// AppendFile appends text to the file name in one write, as a step's
// $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT files are meant to be written
// (the runner made them; other commands of the step may have written to
// them already).
func AppendFile(name, text string) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("append to %s: %w", name, err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return fmt.Errorf("append to %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("append to %s: %w", name, err)
	}
	return nil
}
