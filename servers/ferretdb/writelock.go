package main

// A wire-protocol front for FerretDB that runs write commands one at a time.
//
// Why: FerretDB v1's update/findAndModify read the matching documents, apply the operators
// in Go, then write the documents back, with no transaction around the two steps. Two
// concurrent {$inc: {n: 1}} on one document can both read n and both write n+1: lost
// updates. MongoDB applies each single-document update atomically, and HorNet's counters
// rely on that. Serialising insert/update/delete/findAndModify across all connections
// restores per-document atomicity; reads still run concurrently. SQLite admits a single
// writer anyway, so the cost is small.

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
)

const (
	opMsg          = 2013
	flagMoreToCome = 1 << 1
	maxMessage     = 48 << 20
)

var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findandmodify": true,
}

var writeLock sync.Mutex

func readMessage(r io.Reader) ([]byte, error) {
	var header [4]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(header[:]))
	if n < 16 || n > maxMessage {
		return nil, errors.New("bad message length")
	}
	msg := make([]byte, n)
	copy(msg, header[:])
	_, err := io.ReadFull(r, msg[4:])
	return msg, err
}

// msgFlags returns the OP_MSG flag bits (0 for other opcodes).
func msgFlags(msg []byte) uint32 {
	if len(msg) < 20 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return 0
	}
	return binary.LittleEndian.Uint32(msg[16:20])
}

// commandName returns the lower-cased first key of an OP_MSG body section, or "".
func commandName(msg []byte) string {
	if len(msg) < 21 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return ""
	}
	for i := 20; i < len(msg); {
		kind := msg[i]
		i++
		if i+4 > len(msg) {
			return ""
		}
		size := int(binary.LittleEndian.Uint32(msg[i : i+4]))
		if kind == 0 { // body: a BSON document; its first element's name is the command
			j := i + 5 // skip the document length and the element's type byte
			end := j
			for end < len(msg) && msg[end] != 0 {
				end++
			}
			if j > len(msg) || end >= len(msg) {
				return ""
			}
			return strings.ToLower(string(msg[j:end]))
		}
		if size < 4 {
			return ""
		}
		i += size // kind 1: a document sequence, size includes itself
	}
	return ""
}

func relay(client net.Conn, backend string, logger *slog.Logger) {
	defer client.Close()
	server, err := net.Dial("unix", backend)
	if err != nil {
		logger.Error("backend dial failed", "error", err)
		return
	}
	defer server.Close()
	for {
		req, err := readMessage(client)
		if err != nil {
			return
		}
		locked := writeCommands[commandName(req)]
		if locked {
			writeLock.Lock()
		}
		err = exchange(client, server, req)
		if locked {
			writeLock.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// exchange forwards one request and the replies it asks for (none with moreToCome set;
// several while the server's replies set moreToCome, as exhaust cursors do).
func exchange(client, server net.Conn, req []byte) error {
	if _, err := server.Write(req); err != nil {
		return err
	}
	if msgFlags(req)&flagMoreToCome != 0 {
		return nil
	}
	for {
		reply, err := readMessage(server)
		if err != nil {
			return err
		}
		if _, err = client.Write(reply); err != nil {
			return err
		}
		if msgFlags(reply)&flagMoreToCome == 0 {
			return nil
		}
	}
}

// serveSerialised accepts MongoDB clients on listen and relays them to FerretDB's socket.
func serveSerialised(ctx context.Context, listen, backend string, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		go relay(conn, backend, logger)
	}
}
