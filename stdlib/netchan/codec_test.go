package netchan

import (
	"bytes"
	"strings"
	"testing"

	"github.com/felixlet/felixlet/vm/code"
)

// A string is written by the codec's own path exactly as the general encoder writes it,
// and read back as it was, at every size of the length's head and when its bytes are not
// UTF-8 (a byte string).
func TestStringsEncodeAsTheGeneralEncoderDoes(t *testing.T) {
	c := newCodec(&code.Type{Kind: code.KString, Name: "string"})
	for _, n := range []int{0, 1, 23, 24, 255, 256, 65535, 65536} {
		for _, str := range []string{strings.Repeat("a", n), strings.Repeat("\xff", n)} {
			got, err := c.appendEncode(nil, 0, str)
			if err != nil {
				t.Fatal(err)
			}
			v, err := encMode().Marshal(toCBOR(c.t, 0, str))
			if err != nil {
				t.Fatal(err)
			}
			if want := append(bytes.Clone(c.head), v...); !bytes.Equal(got, want) {
				t.Fatalf("a string of %d bytes encodes as % x..., want % x...", n, got[:min(len(got), 12)], want[:min(len(want), 12)])
			}
			if _, r, err := c.decode(got); err != nil || r != str {
				t.Fatalf("a string of %d bytes reads back as %.12q (%v)", n, r, err)
			}
		}
	}
}

// What the codec's own path does not read (a head that is not minimal, a string of
// indefinite length, a string with more after it, another type) goes to the general
// decoder, which reads it or refuses it as before.
func TestOtherStringMessagesGoToTheGeneralDecoder(t *testing.T) {
	c := newCodec(&code.Type{Kind: code.KString, Name: "string"})
	head := string(c.head)
	for _, tc := range []struct {
		msg, want string
		ok        bool
	}{
		{head + "\x78\x02hi", "hi", true},           // a length in one byte, though it fits the first
		{head + "\x7f\x62hi\x61!\xff", "hi!", true}, // indefinite length, in two chunks
		{"\x62hi", "hi", true},                      // a value without its type
		{head + "\x62hi\x01", "", false},            // a string, then more
		{head + "\x01", "", false},                  // an integer
		{"\x63int\x62hi", "", false},                // written as another type
	} {
		_, r, err := c.decode([]byte(tc.msg))
		if tc.ok && (err != nil || r != tc.want) {
			t.Errorf("% x reads as %q (%v), want %q", tc.msg, r, err, tc.want)
		}
		if !tc.ok && err == nil {
			t.Errorf("% x reads as %q, want a mismatch", tc.msg, r)
		}
	}
}
