-- wrk script for the soak: each request takes the next path from the arguments after "--".
local paths = {}
local counter = 0

function init(args)
  for index, path in ipairs(args) do
    paths[index] = path
  end
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
