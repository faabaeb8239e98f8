module github.com/felixlet/felixlet

go 1.26.8

require (
	github.com/chzyer/readline v1.5.1
	github.com/rogpeppe/go-internal v1.16.0
	golang.org/x/sys v0.49.0
)

require golang.org/x/tools v0.26.0 // indirect
