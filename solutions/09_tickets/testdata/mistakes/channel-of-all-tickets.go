// Package tickets is a box office: several windows sell one fixed stock of
// tickets at the same time, and no ticket may be sold twice or sold when
// there is none left.
package tickets

// Mistake: the office is a buffered channel filled with every ticket: memory and time grow with the stock, and NewOffice(math.MaxInt) panics
// Fails: TestSellInOrderThenSoldOut:fail

import "sync"

// Office sells a fixed stock of numbered tickets to any number of windows
// (goroutines) at once. Tickets are numbered 1, 2, ..., stock and handed out
// in that order, each exactly once.
//
// All methods are safe to call from many goroutines at the same time. The
// zero value is not used: create an Office with NewOffice.
type Office struct {
	tickets chan int // every unsold ticket, in order; closed once filled
}

// NewOffice returns an office holding stock tickets, numbered 1..stock, none
// sold yet. A stock below zero counts as zero.
func NewOffice(stock int) *Office {
	stock = max(stock, 0)
	ch := make(chan int, stock)
	for t := 1; t <= stock; t++ {
		ch <- t
	}
	close(ch) // a receive on the empty, closed channel reports sold out
	return &Office{tickets: ch}
}

// Sell sells the next ticket: a receive from the channel is the check and
// the take in one step.
func (o *Office) Sell(window int) (ticket int, ok bool) {
	ticket, ok = <-o.tickets
	return ticket, ok
}

// Remaining returns how many tickets are still unsold.
func (o *Office) Remaining() int {
	return len(o.tickets)
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
	if windows < 1 {
		return map[int][]int{}
	}
	// Each window owns one slot of this slice and writes nothing else, so the
	// windows need no lock to record their sales; wg.Wait makes every slot
	// visible to this goroutine afterwards.
	sold := make([][]int, windows)
	var wg sync.WaitGroup
	for w := 1; w <= windows; w++ {
		wg.Go(func() {
			for {
				ticket, ok := o.Sell(w) // the short critical section
				if !ok {
					return // sold out: ok, not a ticket number, decides
				}
				sold[w-1] = append(sold[w-1], ticket)
				if print != nil {
					print(w, ticket) // slow work, with no lock held
				}
			}
		})
	}
	wg.Wait()

	result := make(map[int][]int, windows)
	for i, tickets := range sold {
		result[i+1] = tickets
	}
	return result
}
