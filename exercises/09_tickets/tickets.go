// Package tickets is a box office: several windows sell one fixed stock of
// tickets at the same time, and no ticket may be sold twice or sold when
// there is none left.
package tickets

// Office sells a fixed stock of numbered tickets to any number of windows
// (goroutines) at once. Tickets are numbered 1, 2, ..., stock and handed out
// in that order, each exactly once.
//
// All methods are safe to call from many goroutines at the same time. The
// zero value is not used: create an Office with NewOffice.
type Office struct {
	// TODO: add fields
}

// NewOffice returns an office holding stock tickets, numbered 1..stock, none
// sold yet. A stock below zero counts as zero.
func NewOffice(stock int) *Office {
	// TODO
	return &Office{}
}

// Sell sells the next ticket at the given window. window only says who is
// selling; it does not change which ticket comes next.
//
// If a ticket is left, Sell returns its number and ok == true: the first call
// gets 1, the next 2, and so on, and no number is ever returned twice, however
// many goroutines call Sell at once. When every ticket is sold, Sell returns
// (0, false) and leaves the office unchanged. Sell never blocks for longer than
// it takes another goroutine to finish its own Sell or Remaining.
//
// Checking whether a ticket is left and taking it must happen as one step:
// no other goroutine may sell between the check and the sale.
func (o *Office) Sell(window int) (ticket int, ok bool) {
	// TODO
	return 0, false
}

// Remaining returns how many tickets are still unsold: stock minus the number
// of successful Sell calls so far. It is never negative and never more than
// the stock, and it only goes down.
func (o *Office) Remaining() int {
	// TODO
	return 0
}

// SellAll opens windows ticket windows, numbered 1..windows, each in its own
// goroutine, all selling at the same time. Each window calls Sell with its
// number until the office is sold out, and for every ticket it sells calls
// print(window, ticket) before selling its next one. SellAll returns when
// every window has stopped.
//
// print stands for the slow part of a sale (printing the ticket, a payment,
// a call over the network). It must run while no lock of the office is held,
// so that the other windows keep selling while one window prints, and print
// itself may call the office's methods. Calls to print from different windows
// may happen at the same time. If print is nil nothing is printed.
//
// The result maps every window number 1..windows to the tickets that window
// sold, in the order it sold them (an empty or nil slice if it sold none).
// windows < 1 opens no window, sells nothing and returns an empty map.
func (o *Office) SellAll(windows int, print func(window, ticket int)) map[int][]int {
	// TODO
	return nil
}
