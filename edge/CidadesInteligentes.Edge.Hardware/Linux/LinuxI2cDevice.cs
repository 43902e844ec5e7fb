using System.Globalization;
using System.Runtime.InteropServices;

namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>
/// A chip on <c>/dev/i2c-N</c> through the kernel's i2c-dev interface: the file is opened once and bound to the
/// chip's 7-bit address with <c>ioctl(I2C_SLAVE)</c>; plain read/write then address that chip.
/// </summary>
public sealed partial class LinuxI2cDevice : II2cDevice
{
    private const int OpenReadWrite = 2;
    private const nuint I2cSlave = 0x0703;
    private int _fd;

    public LinuxI2cDevice(int busId, int address, string devicePathPrefix = "/dev/i2c-")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(busId);
        if (address is < 0x03 or > 0x77)
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, "7-bit I2C addresses are 0x03–0x77");
        }
        var path = devicePathPrefix + busId.ToString(CultureInfo.InvariantCulture);
        var fd = Open(path, OpenReadWrite);
        if (fd < 0)
        {
            throw new IOException($"Cannot open '{path}' (errno {Marshal.GetLastPInvokeError()}); enable I2C (raspi-config) and add the agent's user to the i2c group.");
        }
        if (Ioctl(fd, I2cSlave, (nint)address) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = Close(fd);
            throw new IOException($"Cannot select I2C address 0x{address:x2} on '{path}' (errno {errno}).");
        }
        _fd = fd;
        Address = address;
    }

    public int Address { get; }

    public unsafe void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        fixed (byte* p = data)
        {
            var n = WriteNative(_fd, p, (nuint)data.Length);
            if (n != data.Length)
            {
                throw new IOException($"I2C write to 0x{Address:x2} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
    }

    public unsafe void Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        fixed (byte* p = buffer)
        {
            var n = ReadNative(_fd, p, (nuint)buffer.Length);
            if (n != buffer.Length)
            {
                throw new IOException($"I2C read from 0x{Address:x2} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = Close(_fd);
            _fd = -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, nint argument);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteNative(int fd, byte* buffer, nuint count);
}
