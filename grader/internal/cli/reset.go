package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// runReset puts back the kit's stub of an exercise (grader reset). It asks
// first, unless --yes, and keeps the student's version in the user's cache
// folder, so that nothing is lost by mistake.
func runReset(_ context.Context, a *App, o *options, args []string) error {
	kit, err := OpenKit(o.dir, a.Course)
	if err != nil {
		return asUsage(err)
	}
	selected, err := kit.Select(args)
	if err != nil {
		return err
	}
	ex := selected[0]
	if !o.yes && !a.confirm(a.tr.Trf("Put back the kit's stub of %s? Your code in %s will be replaced (a copy is kept). [y/N] ",
		ex.Path(), strings.Join(ex.Files, ", "))) {
		return usageErrorf("reset cancelled; nothing changed")
	}
	backup, err := os.UserCacheDir()
	if err != nil {
		backup = os.TempDir()
	}
	backup = filepath.Join(backup, "concurrency-kit", "backups", time.Now().Format("20060102-150405"), ex.Dir)
	for _, name := range ex.Files {
		stub, ok := kit.Stubs[path.Join(ex.Path(), name)]
		if !ok {
			return fmt.Errorf("the grader has no stub of %s", path.Join(ex.Path(), name))
		}
		file := filepath.Join(kit.Root, filepath.FromSlash(ex.Path()), name)
		if err := keep(file, filepath.Join(backup, name)); err != nil {
			return err
		}
		if err := writeAtomically(file, []byte(stub)); err != nil {
			return err
		}
	}
	fmt.Fprint(a.Stdout, a.tr.Trf("%s is back to the kit's stub. Your version is in %s\n", ex.Path(), backup))
	return nil
}

// confirm asks a yes/no question on stdout and reads the answer from stdin.
func (a *App) confirm(question string) bool {
	fmt.Fprint(a.Stdout, question)
	if a.Stdin == nil {
		return false
	}
	answer, _ := bufio.NewReader(a.Stdin).ReadString('\n')
	answer = strings.ToLower(strings.TrimSpace(answer))
	return answer == "y" || answer == "yes"
}

// keep copies file to backup, if file exists.
func keep(file, backup string) error {
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("keep a copy of %s: %w", file, err)
	}
	if err := os.MkdirAll(filepath.Dir(backup), 0o700); err != nil {
		return fmt.Errorf("keep a copy of %s: %w", file, err)
	}
	if err := os.WriteFile(backup, data, 0o600); err != nil {
		return fmt.Errorf("keep a copy of %s: %w", file, err)
	}
	return nil
}

// writeAtomically writes data to a temporary file beside path and renames
// it, so that path is never half-written.
func writeAtomically(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".reset-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
