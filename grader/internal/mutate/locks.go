package mutate

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
)

// lockCall is a statement X.Lock(), X.Unlock(), X.RLock() or X.RUnlock(),
// deferred or not.
type lockCall struct {
	stmt     ast.Stmt
	sel      *ast.SelectorExpr // X.Method
	recv     string            // X as text
	method   string
	deferred bool
	fn       ast.Node // the innermost function around it
	outer    ast.Node // the outermost function around it
}

// lockMethods are the methods lockCalls collects.
var lockMethods = map[string]bool{"Lock": true, "Unlock": true, "RLock": true, "RUnlock": true}

// lockCalls returns the file's lock statements in source order.
func (g *gen) lockCalls() []lockCall {
	var out []lockCall
	ast.Inspect(g.file, func(n ast.Node) bool {
		var call *ast.CallExpr
		deferred := false
		switch s := n.(type) {
		case *ast.ExprStmt:
			call, _ = s.X.(*ast.CallExpr)
		case *ast.DeferStmt:
			call, deferred = s.Call, true
		}
		sel, ok := methodCall(call)
		if !ok || len(call.Args) != 0 || !lockMethods[sel.Sel.Name] {
			return true
		}
		out = append(out, lockCall{
			stmt: n.(ast.Stmt), sel: sel, recv: types.ExprString(sel.X), method: sel.Sel.Name,
			deferred: deferred, fn: g.res.enclosingFunc(n), outer: g.res.outerFunc(n),
		})
		return true
	})
	return out
}

// methodCall returns call's X.Method selector, if call is a method call (or
// a package-qualified call).
func methodCall(call *ast.CallExpr) (*ast.SelectorExpr, bool) {
	if call == nil {
		return nil, false
	}
	sel, ok := unparen(call.Fun).(*ast.SelectorExpr)
	return sel, ok
}

// matchUnlocks returns the unlock statements that release calls[i] (a lock
// statement): the unlocks of the same receiver text that follow it in the
// same function, up to the next lock of that receiver. When there are none
// (unlocking in a returned closure, say), function literals nested in the
// same outermost function count too.
func matchUnlocks(calls []lockCall, i int, lock, unlock string) []lockCall {
	c := calls[i]
	pick := func(same func(lockCall) bool) []lockCall {
		var out []lockCall
		for _, d := range calls[i+1:] {
			if d.recv != c.recv || !same(d) {
				continue
			}
			if d.method == lock && !d.deferred {
				break
			}
			if d.method == unlock {
				out = append(out, d)
			}
		}
		return out
	}
	out := pick(func(d lockCall) bool { return d.fn == c.fn })
	if len(out) == 0 && c.outer != nil {
		out = pick(func(d lockCall) bool { return d.outer == c.outer })
	}
	return out
}

// findLockPairs finds the drop-lock, drop-rlock and lock-to-rlock sites.
func findLockPairs(g *gen) {
	calls := g.lockCalls()
	for i, c := range calls {
		if c.deferred {
			continue
		}
		switch c.method {
		case "Lock":
			unlocks := matchUnlocks(calls, i, "Lock", "Unlock")
			if len(unlocks) == 0 {
				continue
			}
			g.add(OpDropLock, c.stmt, g.dropDesc(c, unlocks), g.dropEdits(c, unlocks)...)
			if g.isRWMutex(c.sel.X) {
				edits := []edit{g.replace(c.sel.Sel, "RLock")}
				for _, u := range unlocks {
					edits = append(edits, g.replace(u.sel.Sel, "RUnlock"))
				}
				g.add(OpLockToRLock, c.stmt, fmt.Sprintf("replace %[1]s.Lock() with %[1]s.RLock() and its Unlock with RUnlock%[2]s", c.recv, g.lineList(unlocks)), edits...)
			}
		case "RLock":
			unlocks := matchUnlocks(calls, i, "RLock", "RUnlock")
			if len(unlocks) > 0 {
				g.add(OpDropRLock, c.stmt, g.dropDesc(c, unlocks), g.dropEdits(c, unlocks)...)
			}
		}
	}
}

// dropEdits deletes a lock statement and its unlocks.
func (g *gen) dropEdits(c lockCall, unlocks []lockCall) []edit {
	nodes := []ast.Node{c.stmt}
	for _, u := range unlocks {
		nodes = append(nodes, u.stmt)
	}
	return g.removeStmts(nodes...)
}

// dropDesc describes a drop-lock or drop-rlock mutant.
func (g *gen) dropDesc(c lockCall, unlocks []lockCall) string {
	what := c.recv + "." + unlocks[0].method + "()"
	if len(unlocks) == 1 && unlocks[0].deferred {
		what = "defer " + what
	}
	return fmt.Sprintf("delete %s.%s() and %s%s", c.recv, c.method, what, g.lineList(unlocks))
}

// lineList returns " (line 12)" or " (lines 12, 15)" for the unlocks.
func (g *gen) lineList(unlocks []lockCall) string {
	var lines []string
	for _, u := range unlocks {
		lines = append(lines, fmt.Sprint(g.line(u.stmt.Pos())))
	}
	if len(lines) == 1 {
		return " (line " + lines[0] + ")"
	}
	return " (lines " + strings.Join(lines, ", ") + ")"
}

// findSwapLocks finds two lock statements in one block, the second taken
// while the first is still held, and swaps them.
func findSwapLocks(g *gen) {
	ast.Inspect(g.file, func(n ast.Node) bool {
		list := stmtList(n)
		for i, s := range list {
			a, ok := lockStmt(s, "Lock", "RLock")
			if !ok {
				continue
			}
			ka := types.ExprString(a.X)
			for _, t := range list[i+1:] {
				if u, ok := lockStmt(t, "Unlock", "RUnlock"); ok && types.ExprString(u.X) == ka {
					break
				}
				b, ok := lockStmt(t, "Lock", "RLock")
				if !ok || types.ExprString(b.X) == ka {
					continue
				}
				ca, cb := s.(*ast.ExprStmt).X, t.(*ast.ExprStmt).X
				desc := fmt.Sprintf("swap %s (line %d) and %s (line %d)", g.text(ca), g.line(ca.Pos()), g.text(cb), g.line(cb.Pos()))
				g.add(OpSwapLocks, s, desc, g.replace(ca, g.text(cb)), g.replace(cb, g.text(ca)))
				break
			}
		}
		return true
	})
}

// stmtList returns the statement list of a block or clause, or nil.
func stmtList(n ast.Node) []ast.Stmt {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List
	case *ast.CaseClause:
		return n.Body
	case *ast.CommClause:
		return n.Body
	}
	return nil
}

// lockStmt reports whether s is a statement X.M() with M one of methods,
// and returns X.M.
func lockStmt(s ast.Stmt, methods ...string) (*ast.SelectorExpr, bool) {
	es, ok := s.(*ast.ExprStmt)
	if !ok {
		return nil, false
	}
	call, _ := es.X.(*ast.CallExpr)
	sel, ok := methodCall(call)
	if !ok || len(call.Args) != 0 {
		return nil, false
	}
	for _, m := range methods {
		if sel.Sel.Name == m {
			return sel, true
		}
	}
	return nil, false
}

// isRWMutex reports whether x is a sync.RWMutex: by its declaration, or,
// when that is not found, because the file calls RLock or RUnlock on it.
func (g *gen) isRWMutex(x ast.Expr) bool {
	if t := g.res.typeOf(x); t != nil {
		return g.res.isType(t, "sync", "RWMutex")
	}
	return g.res.called(types.ExprString(x), "RLock", "RUnlock", "RLocker")
}

// isWaitGroup reports whether x is a sync.WaitGroup: by its declaration,
// or, when that is not found, because the file calls two of Add, Done, Go
// and Wait on it.
func (g *gen) isWaitGroup(x ast.Expr) bool {
	if t := g.res.typeOf(x); t != nil {
		return g.res.isType(t, "sync", "WaitGroup")
	}
	key, n := types.ExprString(x), 0
	for _, m := range []string{"Add", "Done", "Go", "Wait"} {
		if g.res.called(key, m) {
			n++
		}
	}
	return n >= 2 && !g.res.called(key, "Signal", "Broadcast")
}

// isCond reports whether x is a sync.Cond: by its declaration, or, when
// that is not found, because the file calls Signal or Broadcast on it.
func (g *gen) isCond(x ast.Expr) bool {
	if t := g.res.typeOf(x); t != nil {
		return g.res.isType(t, "sync", "Cond")
	}
	return g.res.called(types.ExprString(x), "Signal", "Broadcast")
}

// isContext reports whether x is a context.Context: by its declaration,
// or, when that is not found, because it is called ctx.
func (g *gen) isContext(x ast.Expr) bool {
	if t := g.res.typeOf(x); t != nil {
		return g.res.isType(t, "context", "Context")
	}
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name == "ctx"
	case *ast.SelectorExpr:
		return x.Sel.Name == "ctx"
	}
	return false
}
