package mutate

import (
	"fmt"
	"go/ast"
	"go/token"
)

// findDropClose deletes close(ch) statements, deferred or not.
func findDropClose(g *gen) {
	ast.Inspect(g.file, func(n ast.Node) bool {
		var call *ast.CallExpr
		switch s := n.(type) {
		case *ast.ExprStmt:
			call, _ = s.X.(*ast.CallExpr)
		case *ast.DeferStmt:
			call = s.Call
		}
		if call == nil || len(call.Args) != 1 {
			return true
		}
		if id, ok := unparen(call.Fun).(*ast.Ident); ok && id.Name == "close" {
			g.add(OpDropClose, n, "delete "+g.short(n), g.removeStmts(n)...)
		}
		return true
	})
}

// findDropCtxDone deletes `case <-ctx.Done():` clauses (ctx a
// context.Context) from selects that have other clauses.
func findDropCtxDone(g *gen) {
	ast.Inspect(g.file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectStmt)
		if !ok || len(sel.Body.List) < 2 {
			return true
		}
		for _, s := range sel.Body.List {
			cc := s.(*ast.CommClause)
			if x := g.doneReceiver(cc.Comm); x != nil && g.isContext(x) {
				desc := fmt.Sprintf("delete the case <-%s.Done() of the select at line %d", g.text(x), g.line(sel.Pos()))
				g.add(OpDropCtxDone, cc, desc, g.remove(cc))
			}
		}
		return true
	})
}

// doneReceiver returns X when comm receives from X.Done(), or nil.
func (g *gen) doneReceiver(comm ast.Stmt) ast.Expr {
	var recv ast.Expr
	switch c := comm.(type) {
	case *ast.ExprStmt:
		recv = c.X
	case *ast.AssignStmt:
		if len(c.Rhs) == 1 {
			recv = c.Rhs[0]
		}
	}
	u, ok := unparen(recv).(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return nil
	}
	call, ok := unparen(u.X).(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return nil
	}
	if sel, ok := methodCall(call); ok && sel.Sel.Name == "Done" {
		return sel.X
	}
	return nil
}

// findChannelBuffers makes unbuffered channels (make(chan T) or
// make(chan T, 0)) buffered with capacity 1, and buffered ones unbuffered.
func findChannelBuffers(g *gen) {
	ast.Inspect(g.file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "make" {
			return true
		}
		if _, ok := call.Args[0].(*ast.ChanType); !ok {
			return true
		}
		switch len(call.Args) {
		case 1:
			g.add(OpBufferChannel, call, fmt.Sprintf("make %s buffered (capacity 1)", g.text(call)),
				g.insert(call.Args[0].End(), ", 1"))
		case 2:
			if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Value == "0" {
				g.add(OpBufferChannel, call, fmt.Sprintf("make %s buffered (capacity 1)", g.text(call)), g.replace(lit, "1"))
				return true
			}
			g.add(OpUnbufferChannel, call, fmt.Sprintf("make %s unbuffered", g.text(call)),
				edit{g.off(call.Args[0].End()), g.off(call.Args[1].End()), ""})
		}
		return true
	})
}
