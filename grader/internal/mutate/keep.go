package mutate

import (
	"go/ast"
	"strings"
)

// removeStmts deletes the statements nodes. A local variable whose last
// uses they hold would then be "declared and not used", and the mutant
// would not compile: the first statement that uses it becomes `_ = v`
// instead of going away.
func (g *gen) removeStmts(nodes ...ast.Node) []edit {
	kept := map[*ast.Ident]bool{} // by definition
	var edits []edit
	for _, n := range nodes {
		var keep []string
		for _, id := range varIdents(n) {
			def, used := g.usedElsewhere(id, nodes)
			if used || kept[def] {
				continue
			}
			kept[def] = true
			keep = append(keep, id.Name)
		}
		if len(keep) == 0 {
			edits = append(edits, g.remove(n))
			continue
		}
		blanks := strings.TrimSuffix(strings.Repeat("_, ", len(keep)), ", ")
		edits = append(edits, g.replace(n, blanks+" = "+strings.Join(keep, ", ")))
	}
	return edits
}

// varIdents returns the identifiers in n that may name variables (not the
// selected names of x.f), in source order.
func varIdents(n ast.Node) []*ast.Ident {
	var out []*ast.Ident
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.SelectorExpr:
			out = append(out, varIdents(m.X)...)
			return false
		case *ast.FuncLit:
			return false
		case *ast.Ident:
			out = append(out, m)
		}
		return true
	})
	return out
}

// usedElsewhere reports whether id names something other than a local
// variable defined in a function body, or a local variable that is used
// outside the nodes about to be deleted. def is the variable's definition.
func (g *gen) usedElsewhere(id *ast.Ident, deleted []ast.Node) (*ast.Ident, bool) {
	def, scope := g.res.localDef(id)
	if def == nil {
		return nil, true // a parameter, a package-level name, a builtin, ...
	}
	used := false
	ast.Inspect(scope, func(m ast.Node) bool {
		if used {
			return false
		}
		if sel, ok := m.(*ast.SelectorExpr); ok {
			ast.Inspect(sel.X, func(x ast.Node) bool {
				used = used || isUse(x, def, deleted)
				return !used
			})
			return false
		}
		used = isUse(m, def, deleted)
		return !used
	})
	return def, used
}

// isUse reports whether m is a use of the variable defined by def, outside
// the deleted nodes.
func isUse(m ast.Node, def *ast.Ident, deleted []ast.Node) bool {
	id, ok := m.(*ast.Ident)
	if !ok || id.Name != def.Name || id.Pos() <= def.Pos() {
		return false
	}
	for _, d := range deleted {
		if d.Pos() <= id.Pos() && id.End() <= d.End() {
			return false
		}
	}
	return true
}

// localDef finds the definition of the local variable id refers to, in the
// body of an enclosing function, and the node that scopes it (the block
// or clause of the defining statement, or the for or range statement).
// def is nil when id is not such a variable (a parameter included).
func (r *resolver) localDef(id *ast.Ident) (def *ast.Ident, scope ast.Node) {
	for f := r.enclosingFunc(id); f != nil; f = r.enclosingFunc(f) {
		var body *ast.BlockStmt
		var ftype *ast.FuncType
		switch f := f.(type) {
		case *ast.FuncDecl:
			body, ftype = f.Body, f.Type
		case *ast.FuncLit:
			body, ftype = f.Body, f.Type
		}
		ast.Inspect(body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			for _, d := range definitions(n, r) {
				if d.name.Name == id.Name && d.name.Pos() <= id.Pos() && (def == nil || d.name.Pos() > def.Pos()) {
					def, scope = d.name, n
				}
			}
			return true
		})
		if def != nil {
			return def, r.scopeOf(scope)
		}
		if declares(ftype, id.Name) || declaresRecv(f, id.Name) {
			return nil, nil
		}
	}
	return nil, nil
}

// scopeOf returns the node in which a definition made by n is visible: the
// range statement for its variables, otherwise what holds the defining
// statement (a block, a clause, or the for, if or switch of an init
// statement).
func (r *resolver) scopeOf(n ast.Node) ast.Node {
	switch n.(type) {
	case *ast.RangeStmt:
		return n
	case *ast.ValueSpec:
		n = r.parents[r.parents[n]] // its GenDecl, then the DeclStmt
	}
	if p := r.parents[n]; p != nil {
		return p
	}
	return n
}

// declares reports whether a function type has a parameter or result
// called name.
func declares(ft *ast.FuncType, name string) bool {
	for _, fl := range []*ast.FieldList{ft.Params, ft.Results} {
		if fl == nil {
			continue
		}
		for _, f := range fl.List {
			for _, n := range f.Names {
				if n.Name == name {
					return true
				}
			}
		}
	}
	return false
}

// declaresRecv reports whether f is a method whose receiver is called name.
func declaresRecv(f ast.Node, name string) bool {
	fd, ok := f.(*ast.FuncDecl)
	if !ok || fd.Recv == nil {
		return false
	}
	for _, field := range fd.Recv.List {
		for _, n := range field.Names {
			if n.Name == name {
				return true
			}
		}
	}
	return false
}
