module github.com/concurrency-kit/kit

go 1.26.0

require (
	github.com/fsnotify/fsnotify v1.9.0
	github.com/petermattis/goid v0.0.0-20250813065127-a731cc31b4fe
	github.com/sasha-s/go-deadlock v0.3.9
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
	go.yaml.in/yaml/v3 v3.0.5
	golang.org/x/term v0.36.0
	golang.org/x/text v0.44.0
)

require golang.org/x/sys v0.37.0 // indirect
