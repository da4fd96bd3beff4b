package mutate

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// resolver finds, without type-checking, the declared type of an
// expression from the file's own declarations:
//
//   - an identifier: the nearest preceding definition in the enclosing
//     functions (var declarations, :=, range variables, parameters,
//     results and receivers; block scopes are not told apart), then the
//     package-level variables;
//   - x.f: the field f of x's struct type, when that struct is declared in
//     the file (embedded structs one level deep); when x's type is unknown,
//     the field f of the file's structs if they all agree on its type;
//   - x[i], *x, (x), &x, composite literals, new(T), make(T), calls of the
//     file's own functions and methods, and context.Background/With*.
//
// A type it cannot find is nil: the callers then fall back on how the
// expression is used elsewhere in the file.
type resolver struct {
	file    *ast.File
	parents map[ast.Node]ast.Node
	types   map[string]ast.Expr        // type name -> its definition
	funcs   map[string]*ast.FuncDecl   // function name -> declaration
	methods map[string][]*ast.FuncDecl // method name -> declarations
	imports map[string]string          // local name -> import path
	calls   map[string]map[string]bool // receiver text -> methods called on it
	depth   int                        // typeOf's recursion depth, bounded
}

// newResolver indexes file.
func newResolver(file *ast.File) *resolver {
	r := &resolver{
		file:    file,
		parents: map[ast.Node]ast.Node{},
		types:   map[string]ast.Expr{},
		funcs:   map[string]*ast.FuncDecl{},
		methods: map[string][]*ast.FuncDecl{},
		imports: map[string]string{},
		calls:   map[string]map[string]bool{},
	}
	for _, imp := range file.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		r.imports[importName(imp, path)] = path
	}
	var stack []ast.Node
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if len(stack) > 0 {
			r.parents[n] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		r.index(n)
		return true
	})
	return r
}

// index records type, function and method-call facts about n.
func (r *resolver) index(n ast.Node) {
	switch n := n.(type) {
	case *ast.TypeSpec:
		r.types[n.Name.Name] = n.Type
	case *ast.FuncDecl:
		if n.Recv == nil {
			r.funcs[n.Name.Name] = n
		} else {
			r.methods[n.Name.Name] = append(r.methods[n.Name.Name], n)
		}
	case *ast.CallExpr:
		if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
			key := types.ExprString(sel.X)
			if r.calls[key] == nil {
				r.calls[key] = map[string]bool{}
			}
			r.calls[key][sel.Sel.Name] = true
		}
	}
}

// importName is the name a file refers to an import by: its explicit name,
// or a guess from the path (the last element, skipping a major version).
func importName(imp *ast.ImportSpec, path string) string {
	if imp.Name != nil {
		return imp.Name.Name
	}
	parts := strings.Split(path, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = parts[len(parts)-2]
	}
	return last
}

// nameOf returns the name under which the file first imports path (not
// counting blank imports), or "".
func (r *resolver) nameOf(path string) string {
	for _, imp := range r.file.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if name := importName(imp, p); p == path && name != "_" {
			return name
		}
	}
	return ""
}

// called reports whether the file calls one of the methods on an
// expression that prints as key.
func (r *resolver) called(key string, methods ...string) bool {
	for _, m := range methods {
		if r.calls[key][m] {
			return true
		}
	}
	return false
}

// funcName returns the name of the function around n: "Recv.Method",
// "Func", or FileScope.
func (r *resolver) funcName(n ast.Node) string {
	for ; n != nil; n = r.parents[n] {
		fd, ok := n.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if fd.Recv == nil || len(fd.Recv.List) == 0 {
			return fd.Name.Name
		}
		if id := baseIdent(fd.Recv.List[0].Type); id != nil {
			return id.Name + "." + fd.Name.Name
		}
		return fd.Name.Name
	}
	return FileScope
}

// baseIdent strips pointers, parentheses and type arguments from a type
// expression and returns the type's name, or nil.
func baseIdent(t ast.Expr) *ast.Ident {
	for {
		switch x := t.(type) {
		case *ast.Ident:
			return x
		case *ast.StarExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		default:
			return nil
		}
	}
}

// enclosingFunc returns the innermost function (FuncDecl or FuncLit) around
// n, or nil.
func (r *resolver) enclosingFunc(n ast.Node) ast.Node {
	for n = r.parents[n]; n != nil; n = r.parents[n] {
		switch n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return n
		}
	}
	return nil
}

// outerFunc returns the outermost function around n (a FuncDecl, or the
// outermost FuncLit of a file-scope initializer), or nil.
func (r *resolver) outerFunc(n ast.Node) ast.Node {
	var outer ast.Node
	for f := r.enclosingFunc(n); f != nil; f = r.enclosingFunc(f) {
		outer = f
	}
	return outer
}

// isType reports whether t is path.name, a pointer to it, or a struct of
// the file that embeds it.
func (r *resolver) isType(t ast.Expr, path, name string) bool {
	if t == nil {
		return false
	}
	if r.isQualified(t, path, name) {
		return true
	}
	st, ok := r.underlying(t).(*ast.StructType)
	if !ok {
		return false
	}
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 && r.isQualified(f.Type, path, name) {
			return true
		}
	}
	return false
}

// isQualified reports whether t is path.name or *path.name (type arguments
// ignored).
func (r *resolver) isQualified(t ast.Expr, path, name string) bool {
	t = deref(t)
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	sel, ok := t.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && r.imports[pkg.Name] == path
}

// deref strips one pointer and any parentheses from a type expression.
func deref(t ast.Expr) ast.Expr {
	for {
		switch x := t.(type) {
		case *ast.ParenExpr:
			t = x.X
		case *ast.StarExpr:
			return unparen(x.X)
		default:
			return t
		}
	}
}

// unparen strips parentheses.
func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// underlying follows a pointer and the file's type names to a type literal
// (or to a type it does not know, such as sync.Mutex).
func (r *resolver) underlying(t ast.Expr) ast.Expr {
	for range 10 {
		t = deref(t)
		id := baseIdent(t)
		if id == nil {
			return t
		}
		def, ok := r.types[id.Name]
		if !ok {
			return t
		}
		t = def
	}
	return t
}

// identName returns id's name, or "" for nil.
func identName(id *ast.Ident) string {
	if id == nil {
		return ""
	}
	return id.Name
}

// typeOf returns the declared type of e, or nil when it cannot be found.
func (r *resolver) typeOf(e ast.Expr) ast.Expr {
	if r.depth > 20 {
		return nil
	}
	r.depth++
	defer func() { r.depth-- }()
	switch x := e.(type) {
	case *ast.ParenExpr:
		return r.typeOf(x.X)
	case *ast.Ident:
		return r.identType(x)
	case *ast.SelectorExpr:
		return r.fieldType(x)
	case *ast.IndexExpr:
		return r.elemType(r.typeOf(x.X))
	case *ast.StarExpr:
		if t, ok := r.typeOf(x.X).(*ast.StarExpr); ok {
			return t.X
		}
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			if t := r.typeOf(x.X); t != nil {
				return &ast.StarExpr{X: t}
			}
		}
	case *ast.CompositeLit:
		return x.Type
	case *ast.CallExpr:
		return r.resultType(x, 0)
	}
	return nil
}

// elemType returns the element type of a slice, array or map type.
func (r *resolver) elemType(t ast.Expr) ast.Expr {
	if t == nil {
		return nil
	}
	switch u := r.underlying(t).(type) {
	case *ast.ArrayType:
		return u.Elt
	case *ast.MapType:
		return u.Value
	}
	return nil
}

// fieldType returns the type of x.Sel when x is a struct of the file.
func (r *resolver) fieldType(x *ast.SelectorExpr) ast.Expr {
	if id, ok := x.X.(*ast.Ident); ok && r.imports[id.Name] != "" && r.identType(id) == nil {
		return nil // a package-qualified name
	}
	if t := r.typeOf(x.X); t != nil {
		return r.structField(r.underlying(t), x.Sel.Name, 2)
	}
	return r.uniqueField(x.Sel.Name)
}

// structField finds field name in t (a struct type literal), looking into
// embedded structs of the file down to depth levels.
func (r *resolver) structField(t ast.Expr, name string, depth int) ast.Expr {
	st, ok := t.(*ast.StructType)
	if !ok {
		return nil
	}
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.Name == name {
				return f.Type
			}
		}
	}
	if depth == 0 {
		return nil
	}
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 {
			if ft := r.structField(r.underlying(f.Type), name, depth-1); ft != nil {
				return ft
			}
		}
	}
	return nil
}

// uniqueField returns the type of the fields called name in the file's
// structs, when they all have the same type.
func (r *resolver) uniqueField(name string) ast.Expr {
	var found ast.Expr
	ast.Inspect(r.file, func(n ast.Node) bool {
		st, ok := n.(*ast.StructType)
		if !ok {
			return true
		}
		for _, f := range st.Fields.List {
			for _, fn := range f.Names {
				if fn.Name != name {
					continue
				}
				if found != nil && types.ExprString(found) != types.ExprString(f.Type) {
					found = badExpr
					return false
				}
				if found == nil {
					found = f.Type
				}
			}
		}
		return true
	})
	if found == badExpr {
		return nil
	}
	return found
}

// badExpr marks a conflict in uniqueField.
var badExpr = &ast.BadExpr{}

// resultType returns the type of result i of a call, for the calls it
// knows: new, make, conversions to the file's types, the file's functions
// and methods, sync.NewCond and context's constructors.
func (r *resolver) resultType(call *ast.CallExpr, i int) ast.Expr {
	switch fun := unparen(call.Fun).(type) {
	case *ast.Ident:
		switch {
		case fun.Name == "new" && len(call.Args) == 1 && i == 0:
			return &ast.StarExpr{X: call.Args[0]}
		case fun.Name == "make" && len(call.Args) > 0 && i == 0:
			return call.Args[0]
		}
		if fd := r.funcs[fun.Name]; fd != nil {
			return nthResult(fd, i)
		}
	case *ast.IndexExpr: // a generic function with explicit type arguments
		if id, ok := fun.X.(*ast.Ident); ok && r.funcs[id.Name] != nil {
			return nthResult(r.funcs[id.Name], i)
		}
	case *ast.SelectorExpr:
		return r.selectorResult(fun, i)
	}
	return nil
}

// selectorResult is resultType for pkg.F(...) and x.Method(...).
func (r *resolver) selectorResult(fun *ast.SelectorExpr, i int) ast.Expr {
	if pkg, ok := fun.X.(*ast.Ident); ok && r.identType(pkg) == nil {
		switch r.imports[pkg.Name] {
		case "sync":
			if fun.Sel.Name == "NewCond" && i == 0 {
				return &ast.StarExpr{X: &ast.SelectorExpr{X: pkg, Sel: ast.NewIdent("Cond")}}
			}
		case "context":
			if i == 0 && (fun.Sel.Name == "Background" || fun.Sel.Name == "TODO" || strings.HasPrefix(fun.Sel.Name, "With")) {
				return &ast.SelectorExpr{X: pkg, Sel: ast.NewIdent("Context")}
			}
		}
		return nil
	}
	recv := baseIdent(r.typeOf(fun.X))
	if recv == nil {
		return nil
	}
	for _, fd := range r.methods[fun.Sel.Name] {
		if identName(baseIdent(fd.Recv.List[0].Type)) == recv.Name {
			return nthResult(fd, i)
		}
	}
	return nil
}

// nthResult returns the type of fd's result i.
func nthResult(fd *ast.FuncDecl, i int) ast.Expr {
	if fd.Type.Results == nil {
		return nil
	}
	for _, f := range fd.Type.Results.List {
		n := max(len(f.Names), 1)
		if i < n {
			return f.Type
		}
		i -= n
	}
	return nil
}

// identType returns the declared type of the variable id refers to.
func (r *resolver) identType(id *ast.Ident) ast.Expr {
	for f := r.enclosingFunc(id); f != nil; f = r.enclosingFunc(f) {
		if t, found := r.localType(f, id); found {
			return t
		}
	}
	return r.pkgVarType(id.Name)
}

// localType looks for id's definition in function f: the last definition
// before id in f's body (not in nested function literals), else a
// parameter, result or receiver of f. found is false if f does not define
// id's name.
func (r *resolver) localType(f ast.Node, id *ast.Ident) (t ast.Expr, found bool) {
	var ftype *ast.FuncType
	var body *ast.BlockStmt
	var recv *ast.FieldList
	switch f := f.(type) {
	case *ast.FuncDecl:
		ftype, body, recv = f.Type, f.Body, f.Recv
	case *ast.FuncLit:
		ftype, body = f.Type, f.Body
	}
	var last func() ast.Expr
	lastPos := token.NoPos
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		for _, d := range definitions(n, r) {
			if d.name.Name == id.Name && d.name.Pos() < id.Pos() && d.name.Pos() > lastPos {
				lastPos, last = d.name.Pos(), d.typ
			}
		}
		return true
	})
	if last != nil {
		return last(), true
	}
	for _, fl := range []*ast.FieldList{recv, ftype.Params, ftype.Results} {
		if fl == nil {
			continue
		}
		for _, field := range fl.List {
			for _, n := range field.Names {
				if n.Name == id.Name {
					return field.Type, true
				}
			}
		}
	}
	return nil, false
}

// definition is a variable defined by a statement, with a way to find its
// type.
type definition struct {
	name *ast.Ident
	typ  func() ast.Expr
}

// definitions returns the variables that n defines: var declarations, :=
// and range variables.
func definitions(n ast.Node, r *resolver) []definition {
	var out []definition
	switch n := n.(type) {
	case *ast.ValueSpec:
		for i, name := range n.Names {
			out = append(out, definition{name, func() ast.Expr {
				if n.Type != nil {
					return n.Type
				}
				return r.valueType(n.Values, i)
			}})
		}
	case *ast.AssignStmt:
		if n.Tok != token.DEFINE {
			break
		}
		for i, lhs := range n.Lhs {
			if name, ok := lhs.(*ast.Ident); ok {
				out = append(out, definition{name, func() ast.Expr { return r.valueType(n.Rhs, i) }})
			}
		}
	case *ast.RangeStmt:
		if n.Tok != token.DEFINE {
			break
		}
		if name, ok := n.Key.(*ast.Ident); ok {
			out = append(out, definition{name, func() ast.Expr { return nil }})
		}
		if name, ok := n.Value.(*ast.Ident); ok {
			out = append(out, definition{name, func() ast.Expr { return r.elemType(r.typeOf(n.X)) }})
		}
	}
	return out
}

// valueType returns the type of the i-th value of an assignment or
// declaration's right-hand side.
func (r *resolver) valueType(values []ast.Expr, i int) ast.Expr {
	if len(values) == 1 && i > 0 {
		if call, ok := values[0].(*ast.CallExpr); ok {
			return r.resultType(call, i)
		}
		return nil
	}
	if i < len(values) {
		return r.typeOf(values[i])
	}
	return nil
}

// pkgVarType returns the type of the package-level variable name, or nil.
func (r *resolver) pkgVarType(name string) ast.Expr {
	for _, d := range r.file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			for _, def := range definitions(spec, r) {
				if def.name.Name == name {
					return def.typ()
				}
			}
		}
	}
	return nil
}
