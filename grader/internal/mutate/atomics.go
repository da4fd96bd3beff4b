package mutate

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"strings"
)

// atomicFunc matches the function forms of sync/atomic that
// atomic-to-plain rewrites.
var atomicFunc = regexp.MustCompile(`^(Add|Load|Store|Swap|CompareAndSwap)(Int32|Int64|Uint32|Uint64|Uintptr)$`)

// typedAtomics are the typed atomics of sync/atomic and the Go type of
// their value ("" when it depends on a type argument or is any).
var typedAtomics = map[string]string{
	"Int32": "int32", "Int64": "int64", "Uint32": "uint32", "Uint64": "uint64",
	"Uintptr": "uintptr", "Bool": "bool", "Pointer": "", "Value": "any",
}

// findAtomics replaces atomic operations with plain reads and writes:
// atomic.AddInt64(&x, d) becomes x += d, atomic.LoadInt64(&x) becomes x,
// and so on; on a typed atomic v, v.Add(d) becomes v.Store(v.Load() + d)
// (a read-modify-write that loses updates), and v.CompareAndSwap and v.Swap
// become a Load followed by a Store.
func findAtomics(g *gen) {
	pkg := g.res.nameOf("sync/atomic")
	ast.Inspect(g.file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		sel, isSel := methodCall(call)
		if !ok || !isSel {
			return true
		}
		_, isStmt := g.res.parents[call].(*ast.ExprStmt)
		if id, ok := sel.X.(*ast.Ident); ok && pkg != "" && id.Name == pkg && g.res.identType(id) == nil {
			if m := atomicFunc.FindStringSubmatch(sel.Sel.Name); m != nil {
				g.atomicFunc(call, m[1], strings.ToLower(m[2]), isStmt)
			}
			return true
		}
		if kind, elem, ok := g.typedAtomic(sel.X); ok {
			g.typedAtomicCall(call, sel, kind, elem, isStmt)
		}
		return true
	})
}

// typedAtomic reports whether x is a typed atomic, and returns its kind
// (Int64, Bool, ...) and value type.
func (g *gen) typedAtomic(x ast.Expr) (kind, elem string, ok bool) {
	t := g.res.typeOf(x)
	if t == nil {
		return "", "", false
	}
	for k, e := range typedAtomics {
		if g.res.isQualified(t, "sync/atomic", k) {
			if k == "Pointer" {
				idx, isIdx := deref(t).(*ast.IndexExpr)
				if !isIdx {
					return "", "", false
				}
				e = "*" + g.text(idx.Index)
			}
			return k, e, true
		}
	}
	return "", "", false
}

// atomicFunc adds the mutant of a call atomic.<op><Type>(...).
func (g *gen) atomicFunc(call *ast.CallExpr, op, typ string, isStmt bool) {
	want := map[string]int{"Add": 2, "Load": 1, "Store": 2, "Swap": 2, "CompareAndSwap": 3}[op]
	if len(call.Args) != want {
		return
	}
	v := g.pointee(call.Args[0])
	arg := func(i int) string { return g.operand(call.Args[i]) }
	var repl string
	switch {
	case op == "Add" && isStmt:
		repl = v + " += " + arg(1)
	case op == "Add":
		repl = fmt.Sprintf("func() %[1]s { %[2]s += %[3]s; return %[2]s }()", typ, v, arg(1))
	case op == "Load":
		repl = v
	case op == "Store", op == "Swap" && isStmt:
		repl = v + " = " + arg(1)
	case op == "Swap":
		repl = fmt.Sprintf("func() %[1]s { old := %[2]s; %[2]s = %[3]s; return old }()", typ, v, arg(1))
	case op == "CompareAndSwap" && isStmt:
		repl = fmt.Sprintf("if %[1]s == %[2]s { %[1]s = %[3]s }", v, arg(1), arg(2))
	default:
		repl = fmt.Sprintf("func() bool { if %[1]s == %[2]s { %[1]s = %[3]s; return true }; return false }()", v, arg(1), arg(2))
	}
	how := "plain " + repl
	if strings.HasPrefix(repl, "func()") {
		how = "plain reads and writes of " + v
	}
	g.add(OpAtomicToPlain, call, fmt.Sprintf("replace %s with %s", g.short(call), how), g.replace(call, repl))
}

// typedAtomicCall adds the mutant of a call x.Add, x.CompareAndSwap or
// x.Swap on a typed atomic.
func (g *gen) typedAtomicCall(call *ast.CallExpr, sel *ast.SelectorExpr, kind, elem string, isStmt bool) {
	x := g.text(sel.X)
	arg := func(i int) string { return g.operand(call.Args[i]) }
	var repl, how string
	switch sel.Sel.Name {
	case "Add":
		if len(call.Args) != 1 || kind == "Bool" || kind == "Pointer" || kind == "Value" {
			return
		}
		repl = fmt.Sprintf("%[1]s.Store(%[1]s.Load() + %[2]s)", x, arg(0))
		if !isStmt {
			repl = fmt.Sprintf("func() %[1]s { n := %[2]s.Load() + %[3]s; %[2]s.Store(n); return n }()", elem, x, arg(0))
		}
		how = fmt.Sprintf("%[1]s.Store(%[1]s.Load() + %[2]s), not atomic", x, arg(0))
	case "CompareAndSwap":
		if len(call.Args) != 2 {
			return
		}
		repl = fmt.Sprintf("func() bool { if %[1]s.Load() == %[2]s { %[1]s.Store(%[3]s); return true }; return false }()", x, arg(0), arg(1))
		if isStmt {
			repl = fmt.Sprintf("if %[1]s.Load() == %[2]s { %[1]s.Store(%[3]s) }", x, arg(0), arg(1))
		}
		how = "a Load, a compare and a Store, not atomic"
	case "Swap":
		if len(call.Args) != 1 {
			return
		}
		repl = fmt.Sprintf("func() %[1]s { old := %[2]s.Load(); %[2]s.Store(%[3]s); return old }()", elem, x, arg(0))
		if isStmt {
			repl = fmt.Sprintf("%[1]s.Store(%[2]s)", x, arg(0))
		}
		how = "a Load and a Store, not atomic"
	default:
		return
	}
	g.add(OpAtomicToPlain, call, fmt.Sprintf("replace %s with %s", g.short(call), how), g.replace(call, repl))
}

// pointee returns the variable a pointer argument points to: x for &x,
// *p otherwise.
func (g *gen) pointee(e ast.Expr) string {
	if u, ok := unparen(e).(*ast.UnaryExpr); ok && u.Op == token.AND {
		return g.operand(u.X)
	}
	return "*" + g.operand(e)
}

// operand returns e's text, in parentheses unless it is a primary
// expression that needs none.
func (g *gen) operand(e ast.Expr) string {
	switch e.(type) {
	case *ast.Ident, *ast.BasicLit, *ast.SelectorExpr, *ast.IndexExpr, *ast.CallExpr, *ast.ParenExpr, *ast.CompositeLit:
		return g.text(e)
	}
	return "(" + g.text(e) + ")"
}
