// Package tickets is a box office: several windows sell one fixed stock of
// tickets at the same time, and no ticket may be sold twice or sold when
// there is none left.
package tickets

// Mistake: SellAll has no guard for windows < 1: a negative number of windows panics in make
// Fails: TestNothingToSell:fail

import "sync"

// Office sells a fixed stock of numbered tickets to any number of windows
// (goroutines) at once. Tickets are numbered 1, 2, ..., stock and handed out
// in that order, each exactly once.
//
// All methods are safe to call from many goroutines at the same time. The
// zero value is not used: create an Office with NewOffice.
type Office struct {
	stock int // never changes after NewOffice, so reading it needs no lock

	mu   sync.Mutex // guards sold
	sold int        // tickets sold so far; the next ticket is sold+1
}

// NewOffice returns an office holding stock tickets, numbered 1..stock, none
// sold yet. A stock below zero counts as zero.
func NewOffice(stock int) *Office {
	return &Office{stock: max(stock, 0)}
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
	// The check ("is a ticket left?") and the act ("take it") share one
	// critical section. Checking first and locking afterwards would let two
	// windows both see the last ticket and both sell it.
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sold == o.stock {
		return 0, false
	}
	o.sold++
	// The ticket number is read while the lock is still held: after Unlock
	// another window may already have changed o.sold.
	return o.sold, true
}

// Remaining returns how many tickets are still unsold: stock minus the number
// of successful Sell calls so far. It is never negative and never more than
// the stock, and it only goes down.
func (o *Office) Remaining() int {
	// Reads need the lock too: an unlocked read racing with a Sell is a data
	// race, even if the value "looks fine" most of the time.
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stock - o.sold
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
