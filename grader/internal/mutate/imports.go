package mutate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

// timeQualifier returns how the mutated file names package time: "time."
// (imported, or to be imported), "t." for an import under another name, or
// "" for a dot-import.
func (g *gen) timeQualifier() string {
	switch name := g.res.nameOf("time"); name {
	case "":
		return "time."
	case ".":
		return ""
	default:
		return name + "."
	}
}

// timeImportEdit returns the edit that imports package time, and false when
// the file already imports it.
func (g *gen) timeImportEdit() (edit, bool) {
	if g.res.nameOf("time") != "" {
		return edit{}, false
	}
	for _, d := range g.file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if gd.Lparen.IsValid() {
			return g.insert(gd.Rparen, "\"time\"\n"), true
		}
		return g.replace(gd, "import (\n"+g.text(gd.Specs[0])+"\n\"time\"\n)"), true
	}
	return g.insert(g.file.Name.End(), "\n\nimport \"time\""), true
}

// dropUnusedImports removes from mutated the imports that orig uses and
// mutated no longer does (the mutation deleted their last use), so that the
// mutant still compiles. Imports that orig does not use either are left
// alone: the guess of an import's name from its path may be wrong.
func dropUnusedImports(orig, mutated []byte) []byte {
	fset := token.NewFileSet()
	of, err := parser.ParseFile(fset, "", orig, parser.SkipObjectResolution)
	if err != nil {
		return mutated
	}
	mf, err := parser.ParseFile(fset, "", mutated, parser.SkipObjectResolution)
	if err != nil {
		return mutated
	}
	before, after := qualifiers(of), qualifiers(mf)
	tf := fset.File(mf.Pos())
	var edits []edit
	for _, d := range mf.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		for _, spec := range gd.Specs {
			imp := spec.(*ast.ImportSpec)
			path, _ := strconv.Unquote(imp.Path.Value)
			name := importName(imp, path)
			if name == "_" || name == "." || !before[name] || after[name] {
				continue
			}
			var n ast.Node = imp
			if !gd.Lparen.IsValid() {
				n = gd
			}
			edits = append(edits, removeSpan(mutated, tf.Offset(n.Pos()), tf.Offset(n.End())))
		}
	}
	if len(edits) == 0 {
		return mutated
	}
	return applyEdits(mutated, edits)
}

// qualifiers returns the names used as x in selectors x.y in the file.
func qualifiers(f *ast.File) map[string]bool {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	return used
}
