package runner

import "syscall"

// fionread is the ioctl that tells how many bytes wait in a pipe.
const fionread = syscall.TIOCINQ
