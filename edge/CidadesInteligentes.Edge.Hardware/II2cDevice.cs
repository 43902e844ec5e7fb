namespace CidadesInteligentes.Edge.Hardware;

/// <summary>
/// One chip on an I²C bus at a fixed address. Transfers throw <see cref="IOException"/> when the chip does not
/// acknowledge. Implemented by <c>/dev/i2c-N</c> and by the register-map simulators.
/// </summary>
public interface II2cDevice : IDisposable
{
    int Address { get; }

    void Write(ReadOnlySpan<byte> data);

    void Read(Span<byte> buffer);

    /// <summary>A write followed by a read (register pointer, then its contents).</summary>
    void WriteRead(ReadOnlySpan<byte> write, Span<byte> read)
    {
        Write(write);
        Read(read);
    }
}
