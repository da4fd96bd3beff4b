// Package tickets is a box office: several windows sell one fixed stock of
// tickets at the same time, and no ticket may be sold twice or sold when
// there is none left.
package tickets

// Mistake: SellAll keeps the office locked while it prints the ticket, so a slow print stops every other window
// Fails: TestSellAllRunsEveryWindowAtOnce TestPrintRunsOutsideTheLock TestSellAllWaitsForEveryWindow:fail

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
	sold := make([][]int, max(windows, 0))
	var wg sync.WaitGroup
	for w := 1; w <= windows; w++ {
		wg.Go(func() {
			for {
				o.mu.Lock()
				if o.sold == o.stock {
					o.mu.Unlock()
					return
				}
				o.sold++
				ticket := o.sold
				sold[w-1] = append(sold[w-1], ticket)
				if print != nil {
					print(w, ticket) // slow work with the lock held
				}
				o.mu.Unlock()
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
