package mutate

import (
	"fmt"
	"go/ast"
	"go/token"
)

// callStmt reports whether s is an expression statement X.method(...), and
// returns the call and its X.method selector.
func callStmt(s ast.Node, method string) (*ast.CallExpr, *ast.SelectorExpr, bool) {
	es, ok := s.(*ast.ExprStmt)
	if !ok {
		return nil, nil, false
	}
	call, _ := es.X.(*ast.CallExpr)
	sel, ok := methodCall(call)
	if !ok || sel.Sel.Name != method {
		return nil, nil, false
	}
	return call, sel, true
}

// findDropWait deletes X.Wait() statements on a WaitGroup.
func findDropWait(g *gen) {
	ast.Inspect(g.file, func(n ast.Node) bool {
		if call, sel, ok := callStmt(n, "Wait"); ok && len(call.Args) == 0 && g.isWaitGroup(sel.X) {
			g.add(OpDropWait, n, fmt.Sprintf("delete %s", g.text(call)), g.removeStmts(n)...)
		}
		return true
	})
}

// findAddInGoroutine moves X.Add(n) into the goroutine that follows it in
// the same block, and rewrites X.Go(f) as a go statement whose goroutine
// calls X.Add(1) itself (the Add then races with Wait, in both cases).
func findAddInGoroutine(g *gen) {
	ast.Inspect(g.file, func(n ast.Node) bool {
		list := stmtList(n)
		for i, s := range list {
			if call, sel, ok := callStmt(s, "Add"); ok && len(call.Args) == 1 && g.isWaitGroup(sel.X) {
				g.addBeforeGo(s, call, list[i+1:])
			}
			if call, sel, ok := callStmt(s, "Go"); ok && len(call.Args) == 1 && g.isWaitGroup(sel.X) {
				g.goToGoStmt(s, call, sel)
			}
		}
		return true
	})
}

// addBeforeGo moves the Add statement s into the first go statement of
// rest that starts a function literal.
func (g *gen) addBeforeGo(s ast.Stmt, add *ast.CallExpr, rest []ast.Stmt) {
	for _, t := range rest {
		gs, ok := t.(*ast.GoStmt)
		if !ok {
			continue
		}
		lit, ok := gs.Call.Fun.(*ast.FuncLit)
		if !ok {
			return
		}
		desc := fmt.Sprintf("move %s into the goroutine started at line %d", g.text(add), g.line(gs.Pos()))
		g.add(OpAddInGoroutine, s, desc, g.remove(s), g.insert(lit.Body.Lbrace+1, "\n"+g.text(add)+g.lineBreakAfter(lit.Body.Lbrace)))
		return
	}
}

// goToGoStmt rewrites the statement s, X.Go(f), as
// go func() { X.Add(1); defer X.Done(); ... }().
func (g *gen) goToGoStmt(s ast.Stmt, call *ast.CallExpr, sel *ast.SelectorExpr) {
	wg := g.text(sel.X)
	head := "go func() {\n" + wg + ".Add(1)\ndefer " + wg + ".Done()"
	desc := fmt.Sprintf("replace %s.Go(f) with a go statement that calls %[1]s.Add(1) inside the goroutine", wg)
	if lit, ok := call.Args[0].(*ast.FuncLit); ok && len(lit.Type.Params.List) == 0 {
		g.add(OpAddInGoroutine, s, desc,
			edit{g.off(call.Pos()), g.off(lit.Body.Lbrace) + 1, head + g.lineBreakAfter(lit.Body.Lbrace)},
			edit{g.off(lit.End()), g.off(call.End()), "()"})
		return
	}
	g.add(OpAddInGoroutine, s, desc, g.replace(call, head+"\n"+g.operand(call.Args[0])+"()\n}()"))
}

// findWaitToSleep turns a blocking wait into a short sleep: a receive
// statement into a select that sleeps instead when nothing is ready, a
// WaitGroup's Wait into a sleep, and a Cond's Wait into
// "unlock, sleep, lock" (polling).
func findWaitToSleep(g *gen) {
	ast.Inspect(g.file, func(n ast.Node) bool {
		es, ok := n.(*ast.ExprStmt)
		if !ok {
			return true
		}
		if cc, ok := g.res.parents[n].(*ast.CommClause); ok && cc.Comm == n {
			return true // a select case, not a statement of its own
		}
		if u, ok := unparen(es.X).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			ch := g.text(u.X)
			repl := "select {\ncase <-" + ch + ":\ndefault:\n" + g.sleep() + "\n}"
			g.addTimed(OpWaitToSleep, n, fmt.Sprintf("replace %s with a receive that sleeps %s instead when nothing is ready", g.text(u), sleepFor), g.replace(n, repl))
			return true
		}
		call, sel, ok := callStmt(n, "Wait")
		if !ok || len(call.Args) != 0 {
			return true
		}
		x := g.text(sel.X)
		switch {
		case g.isWaitGroup(sel.X):
			g.addTimed(OpWaitToSleep, n, fmt.Sprintf("replace %s with a sleep of %s", g.text(call), sleepFor), g.replace(n, g.sleep()))
		case g.isCond(sel.X):
			repl := x + ".L.Unlock()\n" + g.sleep() + "\n" + x + ".L.Lock()"
			g.addTimed(OpWaitToSleep, n, fmt.Sprintf("replace %s with unlock, sleep %s, lock (polling)", g.text(call), sleepFor), g.replace(n, repl))
		}
		return true
	})
}

// sleepFor is how long the wait-to-sleep mutants sleep.
const sleepFor = "1ms"

// sleep returns a statement that sleeps a millisecond, in the file's name
// for package time.
func (g *gen) sleep() string {
	t := g.timeQualifier()
	return t + "Sleep(" + t + "Millisecond)"
}

// findBroadcast turns X.Broadcast() into X.Signal().
func findBroadcast(g *gen) {
	ast.Inspect(g.file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		sel, isSel := methodCall(call)
		if !ok || !isSel || sel.Sel.Name != "Broadcast" || len(call.Args) != 0 {
			return true
		}
		if t := g.res.typeOf(sel.X); t != nil && !g.res.isType(t, "sync", "Cond") {
			return true
		}
		g.add(OpBroadcastToSignal, call, fmt.Sprintf("replace %s with %s.Signal()", g.text(call), g.text(sel.X)), g.replace(sel.Sel, "Signal"))
		return true
	})
}

// findWaitForToIf turns `for cond { ... }` into `if cond { ... }` when the
// loop waits on a sync.Cond, directly or through a function of the file
// that does.
func findWaitForToIf(g *gen) {
	helpers := g.condWaitHelpers()
	ast.Inspect(g.file, func(n ast.Node) bool {
		loop, ok := n.(*ast.ForStmt)
		if !ok || loop.Init != nil || loop.Post != nil || loop.Cond == nil {
			return true
		}
		if !g.waitsOnCond(loop.Body, helpers) || bindsToLoop(loop.Body) {
			return true
		}
		desc := fmt.Sprintf("check %s once (if) instead of in a loop (for) around the wait", g.short(loop.Cond))
		g.add(OpWaitForToIf, loop, desc, edit{g.off(loop.For), g.off(loop.For) + len("for"), "if"})
		return true
	})
}

// condWaitHelpers returns the names of the file's functions and methods
// whose body calls Wait on a sync.Cond.
func (g *gen) condWaitHelpers() map[string]bool {
	helpers := map[string]bool{}
	for _, d := range g.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && g.waitsOnCond(fd.Body, nil) {
			helpers[fd.Name.Name] = true
		}
	}
	return helpers
}

// waitsOnCond reports whether body (function literals excluded) calls Wait
// on a sync.Cond, or calls one of helpers.
func (g *gen) waitsOnCond(body *ast.BlockStmt, helpers map[string]bool) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			switch fun := unparen(n.Fun).(type) {
			case *ast.SelectorExpr:
				if fun.Sel.Name == "Wait" && len(n.Args) == 0 && g.isCond(fun.X) || helpers[fun.Sel.Name] {
					found = true
				}
			case *ast.Ident:
				found = found || helpers[fun.Name]
			}
		}
		return !found
	})
	return found
}

// bindsToLoop reports whether body has an unlabelled break or continue that
// belongs to the loop whose body it is (turning that loop into an if would
// not compile).
func bindsToLoop(body *ast.BlockStmt) bool {
	found := false
	var walk func(n ast.Node, inLoop, inSwitch bool)
	walk = func(n ast.Node, inLoop, inSwitch bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n {
				return true
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				walk(m, true, true)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				walk(m, inLoop, true)
				return false
			case *ast.BranchStmt:
				if m.Label == nil && (m.Tok == token.BREAK && !inSwitch || m.Tok == token.CONTINUE && !inLoop) {
					found = true
				}
			}
			return true
		})
	}
	walk(body, false, false)
	return found
}

// lineBreakAfter returns "\n" unless the brace at pos already ends its line:
// what to add after text inserted right after the brace.
func (g *gen) lineBreakAfter(brace token.Pos) string {
	if i := g.off(brace) + 1; i < len(g.src) && g.src[i] == '\n' {
		return ""
	}
	return "\n"
}
