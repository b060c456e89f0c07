# Runs a bench app with the framework taken from a ROMFS image, as on a
# board with the image deployed:  micropython romfs.py IMAGE APP.py ARGS...
# The unix port has VfsRom but no ROM partition (no vfs.rom_ioctl), so the
# image is read into the heap and mounted from there: bytecode then runs in
# place from the image, as it does from flash.
import os
import sys
import vfs

# one block of the image's size (read() would grow a buffer, needing more)
image = bytearray(os.stat(sys.argv[1])[6])
f = open(sys.argv[1], 'rb')
f.readinto(image)
f.close()
del f
vfs.mount(vfs.VfsRom(image), '/rom')
sys.path.insert(0, '/rom')
app = sys.argv[2]
sys.argv[:] = sys.argv[2:]
sys.path.insert(1, app.rpartition('/')[0] or '.')
__import__(app.rpartition('/')[2][:-3])
