using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace CidadesInteligentes.Mqtt.Packets;

/// <summary>Writes MQTT primitive types into a span sized in advance (no bounds surprises, no allocation).</summary>
internal ref struct SpanWriter(Span<byte> span)
{
    private readonly Span<byte> _span = span;
    private int _pos;

    public readonly int Written => _pos;

    public void Byte(byte value) => _span[_pos++] = value;

    public void UInt16(int value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_span[_pos..], (ushort)value);
        _pos += 2;
    }

    public void UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_span[_pos..], value);
        _pos += 4;
    }

    public void VarInt(int value)
    {
        var v = (uint)value;
        do
        {
            var b = (byte)(v & 0x7F);
            v >>= 7;
            if (v > 0)
            {
                b |= 0x80;
            }
            _span[_pos++] = b;
        }
        while (v > 0);
    }

    public void String(string value)
    {
        var n = Encoding.UTF8.GetBytes(value, _span[(_pos + 2)..]);
        BinaryPrimitives.WriteUInt16BigEndian(_span[_pos..], (ushort)n);
        _pos += 2 + n;
    }

    /// <summary>
    /// Writes a string whose UTF-8 length <paramref name="byteCount"/> was already computed by <see cref="Utf8Count"/>:
    /// an ASCII string (byte count equal to its length) is narrowed without a second UTF-8 pass.
    /// </summary>
    public void String(string value, int byteCount)
    {
        var dest = _span.Slice(_pos + 2, byteCount);
        if (byteCount == value.Length)
        {
            // Same length in bytes as in chars means every char is ASCII: narrowing is the UTF-8 encoding.
            System.Text.Ascii.FromUtf16(value, dest, out _);
        }
        else
        {
            Encoding.UTF8.GetBytes(value, dest);
        }
        BinaryPrimitives.WriteUInt16BigEndian(_span[_pos..], (ushort)byteCount);
        _pos += 2 + byteCount;
    }

    public void Binary(ReadOnlySpan<byte> value)
    {
        UInt16(value.Length);
        Raw(value);
    }

    public void Raw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_span[_pos..]);
        _pos += value.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarIntSize(int value) => value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;

    public static int StringSize(string value) => 2 + Utf8Count(value);

    /// <summary>UTF-8 length of an MQTT string (without its 2-byte prefix); ASCII strings are counted by one vectorised check.</summary>
    public static int Utf8Count(string value)
    {
        var n = System.Text.Ascii.IsValid(value) ? value.Length : Encoding.UTF8.GetByteCount(value);
        if (n > ushort.MaxValue)
        {
            throw new ArgumentException($"MQTT strings are at most 65535 bytes; this one is {n}", nameof(value));
        }
        return n;
    }
}

/// <summary>Reads MQTT primitive types from one packet body; every violation becomes <see cref="MqttProtocolException"/>.</summary>
internal ref struct SpanReader(ReadOnlySpan<byte> span)
{
    private readonly ReadOnlySpan<byte> _span = span;
    private int _pos;

    public readonly int Remaining => _span.Length - _pos;

    public readonly int Position => _pos;

    public byte Byte()
    {
        Need(1, "byte");
        return _span[_pos++];
    }

    public ushort UInt16()
    {
        Need(2, "two-byte integer");
        var v = BinaryPrimitives.ReadUInt16BigEndian(_span[_pos..]);
        _pos += 2;
        return v;
    }

    public uint UInt32()
    {
        Need(4, "four-byte integer");
        var v = BinaryPrimitives.ReadUInt32BigEndian(_span[_pos..]);
        _pos += 4;
        return v;
    }

    public int VarInt()
    {
        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            var b = Byte();
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (i > 0 && b == 0)
                {
                    throw new MqttProtocolException("variable byte integer is not minimally encoded (MQTT 1.5.5)");
                }
                return value;
            }
        }
        throw new MqttProtocolException("variable byte integer longer than 4 bytes (MQTT 1.5.5)");
    }

    public string String(string what)
    {
        var n = UInt16();
        Need(n, what);
        var bytes = _span.Slice(_pos, n);
        _pos += n;
        return Utf8String(bytes, what);
    }

    public byte[] Binary(string what)
    {
        var n = UInt16();
        Need(n, what);
        var bytes = _span.Slice(_pos, n).ToArray();
        _pos += n;
        return bytes;
    }

    public ReadOnlySpan<byte> Rest()
    {
        var rest = _span[_pos..];
        _pos = _span.Length;
        return rest;
    }

    public readonly void End(string packet)
    {
        if (_pos != _span.Length)
        {
            throw new MqttProtocolException($"{packet} has {_span.Length - _pos} unexpected bytes after its content");
        }
    }

    public static string Utf8String(ReadOnlySpan<byte> bytes, string what)
    {
        if (bytes.IndexOfAnyExceptInRange((byte)0x01, (byte)0x7F) < 0)
        {
            // Fast path, one vectorised pass: all bytes ASCII and none is U+0000, so the bytes are well-formed UTF-8
            // and widening them (Latin-1 decoding, no validation) gives the same string as UTF-8 decoding.
            return Encoding.Latin1.GetString(bytes);
        }
        if (!Utf8.IsValid(bytes))
        {
            throw new MqttProtocolException($"{what} is not well-formed UTF-8 (MQTT 1.5.4)");
        }
        if (bytes.Contains((byte)0))
        {
            throw new MqttProtocolException($"{what} contains U+0000 (MQTT 1.5.4)");
        }
        return Encoding.UTF8.GetString(bytes);
    }

    private readonly void Need(int n, string what)
    {
        if (_span.Length - _pos < n)
        {
            throw new MqttProtocolException($"packet ends inside a {what} (remaining length too short)");
        }
    }
}
