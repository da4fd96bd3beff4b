// Package tickets is a box office: several windows sell one fixed stock of
// tickets at the same time, and no ticket may be sold twice or sold when
// there is none left.
package tickets

// Mistake: SellAll runs the windows one after another in the caller's goroutine instead of all at once
// Fails: TestSellAllRunsEveryWindowAtOnce:fail TestSellAllWaitsForEveryWindow:fail

import "sync"

type Office struct {
	mu    sync.Mutex
	stock int
	sold  int
}

func NewOffice(stock int) *Office {
	return &Office{stock: max(stock, 0)}
}

func (o *Office) Sell(window int) (ticket int, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sold == o.stock {
		return 0, false
	}
	o.sold++
	return o.sold, true
}

func (o *Office) Remaining() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stock - o.sold
}

func (o *Office) SellAll(windows int, print func(window, ticket int)) map[int][]int {
	result := make(map[int][]int, max(windows, 0))
	for w := 1; w <= windows; w++ {
		var mine []int
		for {
			ticket, ok := o.Sell(w)
			if !ok {
				break
			}
			mine = append(mine, ticket)
			if print != nil {
				print(w, ticket)
			}
		}
		result[w] = mine
	}
	return result
}
