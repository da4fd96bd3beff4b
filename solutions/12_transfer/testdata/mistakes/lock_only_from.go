// Package transfer moves money between bank accounts that each have their
// own lock, without ever deadlocking.
package transfer

// Mistake: locks only the account the money leaves; the credit to to runs without to's lock
// Fails: TestOppositeTransfersDoNotDeadlock:race TestConcurrentTransfersConserveMoney:race TestMoneyNeverInFlight:race TestBalanceWhileTransferring? TestNoOverdraftUnderContention? TestDisjointTransfersDoNotWait? TestWaitingTransferSleeps:fail

import (
	"errors"
	"sync"
)

// Errors returned by Transfer. Callers compare with errors.Is, so you may wrap
// them, but Transfer must return (a wrap of) exactly one of these when it
// refuses a transfer.
var (
	// ErrInvalidAmount: the amount is zero or negative.
	ErrInvalidAmount = errors.New("transfer: amount must be positive")
	// ErrSameAccount: from and to are the same account.
	ErrSameAccount = errors.New("transfer: from and to are the same account")
	// ErrInsufficientFunds: from holds less than the amount.
	ErrInsufficientFunds = errors.New("transfer: insufficient funds")
)

// Account is a bank account with an id and a balance. It is safe for use by
// many goroutines at once.
//
// An Account must not be copied after creation (copying would copy the lock).
type Account struct {
	// id never changes after NewAccount, so reading it needs no lock. It is
	// also the account's rank in the global lock order.
	id int

	mu      sync.Mutex
	balance int64 // guarded by mu
}

// NewAccount returns an account with the given id and opening balance
// (zero or more). Every account must get its own id.
func NewAccount(id int, balance int64) *Account {
	return &Account{id: id, balance: balance}
}

// ID returns the account's id.
func (a *Account) ID() int {
	return a.id
}

// Balance returns the account's current balance.
func (a *Account) Balance() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// Transfer moves amount from from to to as one atomic step. It returns
// ErrInvalidAmount, ErrSameAccount or ErrInsufficientFunds (checked in that
// order) and changes nothing when it refuses.
func Transfer(from, to *Account, amount int64) error {
	if amount <= 0 {
		return ErrInvalidAmount
	}
	if from == to || from.id == to.id {
		return ErrSameAccount
	}

	from.mu.Lock()
	defer from.mu.Unlock()

	if from.balance < amount {
		return ErrInsufficientFunds
	}
	from.balance -= amount
	to.balance += amount
	return nil
}
