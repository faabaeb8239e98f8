-- W2: a scalar loop. Prints 49999995000000.
local s, i = 0, 0
while i < 10000000 do
  s = s + i
  i = i + 1
end
print(string.format("%.0f", s))
