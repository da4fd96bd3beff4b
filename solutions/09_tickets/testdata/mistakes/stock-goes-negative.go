// Package tickets is a box office: several windows sell one fixed stock of
// tickets at the same time, and no ticket may be sold twice or sold when
// there is none left.
package tickets

// Mistake: Sell takes a ticket first and checks afterwards, so every failed sale pushes the stock below zero
// Fails: TestSellInOrderThenSoldOut TestNothingToSell TestRemainingNeverNegativeAndConsistent TestSellAllWaitsForEveryWindow:fail

import "sync"

type Office struct {
	mu        sync.Mutex
	stock     int
	remaining int
}

func NewOffice(stock int) *Office {
	stock = max(stock, 0)
	return &Office{stock: stock, remaining: stock}
}

func (o *Office) Sell(window int) (ticket int, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.remaining--
	if o.remaining < 0 { // sold out, but the stock was already decremented
		return 0, false
	}
	return o.stock - o.remaining, true
}

func (o *Office) Remaining() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.remaining
}

func (o *Office) SellAll(windows int, print func(window, ticket int)) map[int][]int {
	sold := make([][]int, max(windows, 0))
	var wg sync.WaitGroup
	for w := 1; w <= windows; w++ {
		wg.Go(func() {
			for {
				ticket, ok := o.Sell(w)
				if !ok {
					return
				}
				sold[w-1] = append(sold[w-1], ticket)
				if print != nil {
					print(w, ticket)
				}
			}
		})
	}
	wg.Wait()
	result := make(map[int][]int, len(sold))
	for i, tickets := range sold {
		result[i+1] = tickets
	}
	return result
}
