# Convenience targets; each is a plain go command you can also run directly.
.PHONY: build test test-integration lint bench release-check

build:
	go build -o bin/resync .

test:
	go test ./...

# The real services must be running (see README, "Tests").
test-integration:
	bash .ci/run

lint:
	gofmt -l $$(git ls-files '*.go')
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

bench:
	cd bench && go test -run '^$$' -bench . -count 5 ./... | tee bench.txt

release-check:
	goreleaser check && goreleaser build --snapshot --clean --single-target
