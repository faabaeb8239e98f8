package ast

import (
	"fmt"
	"reflect"
	"strings"
)

// Dump returns a stable, indented text form of a node (or a slice of statements): one node
// per line as `Kind line:col`, followed by its non-empty fields. Tests compare it.
func Dump(n any) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(n), 0)
	return b.String()
}

var posType = reflect.TypeOf(Pos{})

func dumpValue(b *strings.Builder, v reflect.Value, depth int) {
	indent := strings.Repeat("  ", depth)
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString(indent + "nil\n")
			return
		}
		dumpValue(b, v.Elem(), depth)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			dumpValue(b, v.Index(i), depth)
		}
	case reflect.Struct:
		t := v.Type()
		fmt.Fprintf(b, "%s%s", indent, t.Name())
		if f := v.FieldByName("P"); f.IsValid() && f.Type() == posType {
			p := f.Interface().(Pos)
			fmt.Fprintf(b, " %d:%d", p.Line, p.Col)
		}
		// Scalars on the node's own line, children below.
		var children []int
		for i := 0; i < t.NumField(); i++ {
			f := v.Field(i)
			if f.Type() == posType || f.IsZero() {
				continue
			}
			switch f.Kind() {
			case reflect.String, reflect.Int, reflect.Int64, reflect.Float64, reflect.Bool:
				fmt.Fprintf(b, " %s=%#v", t.Field(i).Name, f.Interface())
			case reflect.Slice:
				if f.Type().Elem().Kind() == reflect.String {
					fmt.Fprintf(b, " %s=%s", t.Field(i).Name, strings.Join(f.Interface().([]string), "::"))
					continue
				}
				children = append(children, i)
			default:
				children = append(children, i)
			}
		}
		b.WriteString("\n")
		for _, i := range children {
			fmt.Fprintf(b, "%s  .%s\n", indent, t.Field(i).Name)
			f := v.Field(i)
			if f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Slice {
				for j := 0; j < f.Len(); j++ {
					fmt.Fprintf(b, "%s    [%d]\n", indent, j)
					dumpValue(b, f.Index(j), depth+3)
				}
				continue
			}
			dumpValue(b, f, depth+2)
		}
	default:
		fmt.Fprintf(b, "%s%v\n", indent, v.Interface())
	}
}
