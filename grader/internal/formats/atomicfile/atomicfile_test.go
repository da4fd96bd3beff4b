package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		path    string
		before  string // "" for no file
		data    string
		wantErr bool
	}{
		{name: "new file", path: filepath.Join(dir, "new.json"), data: "{}"},
		{name: "replaces a file", path: filepath.Join(dir, "old.xml"), before: "old", data: "new"},
		{name: "empty data", path: filepath.Join(dir, "empty"), data: ""},
		{name: "missing folder", path: filepath.Join(dir, "absent", "x.json"), data: "x", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != "" {
				require.NoError(t, os.WriteFile(tt.path, []byte(tt.before), 0o600))
			}
			err := WriteFile(tt.path, []byte(tt.data), 0o644)
			if tt.wantErr {
				assert.ErrorContains(t, err, tt.path)
				return
			}
			require.NoError(t, err)
			got, err := os.ReadFile(tt.path)
			require.NoError(t, err)
			assert.Equal(t, tt.data, string(got))
			info, err := os.Stat(tt.path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), ".tmp-", "no temporary file is left behind")
	}
}
