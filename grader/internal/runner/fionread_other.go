//go:build !linux

package runner

// fionread is the ioctl that tells how many bytes wait in a pipe (FIONREAD
// on the BSDs and macOS).
const fionread = 0x4004667f
