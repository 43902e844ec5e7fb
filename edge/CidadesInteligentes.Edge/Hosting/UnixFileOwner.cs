using System.Runtime.InteropServices;
using System.Text;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// Numeric owner and group of a file (<c>statx</c>, <c>chown</c>, <c>getgrnam</c> from the C library): the .NET shared
/// framework reads and sets a file's mode but not its owner. Linux only.
/// </summary>
internal static class UnixFileOwner
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const uint OwnerAndGroup = 0x8 | 0x10; // STATX_UID | STATX_GID

    /// <summary>The owner and group of <paramref name="path"/>.</summary>
    public static (uint Uid, uint Gid) Get(string path)
    {
        // struct statx has the same layout on every architecture: stx_uid at byte 20, stx_gid at 24
        var buffer = new byte[256];
        if (Statx(CurrentDirectory, Utf8(path), 0, OwnerAndGroup, buffer) != 0)
        {
            throw Error($"cannot read the owner of {path}");
        }
        return (BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt32(buffer, 24));
    }

    /// <summary>Gives <paramref name="path"/> owner <paramref name="uid"/> and group <paramref name="gid"/> (<see cref="uint.MaxValue"/>: unchanged).</summary>
    public static void Set(string path, uint uid, uint gid)
    {
        if (Chown(Utf8(path), uid, gid) != 0)
        {
            throw Error($"cannot give {path} owner {(int)uid}:{(int)gid}");
        }
    }

    /// <summary>The id of group <paramref name="name"/>, or null when the system has no such group.</summary>
    public static uint? GroupId(string name)
    {
        var entry = Getgrnam(Utf8(name));
        // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; ... }
        return entry == IntPtr.Zero ? null : (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");

    private static Exception Error(string what)
    {
        var errno = Marshal.GetLastPInvokeError();
        var message = $"{what}: {Marshal.GetPInvokeErrorMessage(errno)}";
        return errno is 1 or 13 ? new UnauthorizedAccessException(message) : new IOException(message); // EPERM, EACCES
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int directory, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Chown(byte[] path, uint uid, uint gid);

    [DllImport("libc", EntryPoint = "getgrnam")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr Getgrnam(byte[] name);
}
