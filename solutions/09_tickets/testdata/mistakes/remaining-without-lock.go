// Package tickets is a box office: several windows sell one fixed stock of
// tickets at the same time, and no ticket may be sold twice or sold when
// there is none left.
package tickets

// Mistake: Remaining reads the stock without the lock ("it is only a read"), racing with the windows that sell
// Fails: TestRemainingNeverNegativeAndConsistent:race

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
	return o.stock - o.sold // unlocked read
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
