// Package tickets is a box office: several windows sell one fixed stock of
// tickets at the same time, and no ticket may be sold twice or sold when
// there is none left.
package tickets

// Mistake: Sell takes the ticket under the lock but works out its number after Unlock, so two windows can get the same ticket
// Fails: TestEveryTicketSoldExactlyOnce:race TestRemainingNeverNegativeAndConsistent TestSellAllAccountsForEveryTicket TestSellAllRunsEveryWindowAtOnce TestSellAllWaitsForEveryWindow?

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
	if o.remaining == 0 {
		o.mu.Unlock()
		return 0, false
	}
	o.remaining--
	o.mu.Unlock()
	return o.stock - o.remaining, true // read after Unlock: another sale may have happened
}

func (o *Office) Remaining() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.remaining
}

func (o *Office) SellAll(windows int, print func(window, ticket int)) map[int][]int {
	result := make(map[int][]int, max(windows, 0))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 1; w <= windows; w++ {
		wg.Go(func() {
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
			mu.Lock()
			result[w] = mine
			mu.Unlock()
		})
	}
	wg.Wait()
	return result
}
