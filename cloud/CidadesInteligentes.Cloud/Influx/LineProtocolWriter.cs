using System.Globalization;
using System.Text;

namespace CidadesInteligentes.Cloud.Influx;

/// <summary>
/// Builds InfluxDB line protocol, one point at a time, into a reusable buffer:
/// <c>Begin(measurement).Tag(..).Field(..).End(timestamp)</c>. Tags are written sorted by key (the order the server
/// indexes them in); fields keep the caller's order. Escaping follows the 1.x rules: a measurement escapes comma and
/// space, tag keys/values and field keys also escape <c>=</c>, string field values escape <c>"</c> and <c>\</c>.
/// Integers carry the <c>i</c> suffix (1.x has no unsigned type); floats use the shortest text that reads back
/// to the same double.
/// </summary>
public sealed partial class LineProtocolWriter
{
    private readonly StringBuilder _text = new();
    private readonly List<KeyValuePair<string, string>> _tags = [];
    private string? _measurement;
    private int _lineStart;
    private int _lastLineStart;
    private int _fields;

    /// <summary>Lines completed so far.</summary>
    public int Lines { get; private set; }

    /// <summary>Starts a point. Throws if the previous one was not ended.</summary>
    public LineProtocolWriter Begin(string measurement)
    {
        ArgumentException.ThrowIfNullOrEmpty(measurement);
        if (_measurement is not null)
        {
            throw new InvalidOperationException("The previous point was not ended; call End or Cancel first.");
        }
        RejectUnwritable(measurement, "measurement");
        _measurement = measurement;
        _lineStart = _text.Length;
        _tags.Clear();
        _fields = 0;
        return this;
    }

    public LineProtocolWriter Tag(string key, string value)
    {
        RequireOpen();
        if (_fields > 0)
        {
            throw new InvalidOperationException("Tags must come before fields.");
        }
        ArgumentException.ThrowIfNullOrEmpty(key);
        // an empty tag value cannot be written: the server would read the following text as the value
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"invalid tag value {key}=\"\": a tag value cannot be empty", nameof(value));
        }
        RejectUnwritable(key, "tag key");
        RejectUnwritable(value, "tag value");
        _tags.Add(new(key, value));
        return this;
    }

    public LineProtocolWriter Field(string key, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"field {key}: InfluxDB cannot store NaN or infinity", nameof(value));
        }
        FieldKey(key);
        GoFloat.Append(_text, value);
        return this;
    }

    public LineProtocolWriter Field(string key, long value)
    {
        FieldKey(key);
        Append(value);
        _text.Append('i');
        return this;
    }

    /// <summary>Writes an unsigned value as a 1.x integer; values above <see cref="long.MaxValue"/> have no 1.x type.</summary>
    public LineProtocolWriter Field(string key, ulong value)
    {
        if (value > long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value,
                $"field {key}: InfluxDB 1.x has no unsigned type and {value} does not fit in a signed 64-bit integer");
        }
        return Field(key, (long)value);
    }

    public LineProtocolWriter Field(string key, bool value)
    {
        FieldKey(key);
        _text.Append(value ? "true" : "false");
        return this;
    }

    public LineProtocolWriter Field(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        FieldKey(key);
        _text.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                _text.Append('\\');
            }
            _text.Append(c);
        }
        _text.Append('"');
        return this;
    }

    /// <summary>Ends the point with a timestamp already in the write's precision.</summary>
    public LineProtocolWriter End(long timestamp)
    {
        EndFields();
        _text.Append(' ');
        Append(timestamp);
        return Finish();
    }

    /// <summary>Ends the point with <paramref name="time"/> converted (truncated) to <paramref name="precision"/>.</summary>
    public LineProtocolWriter End(DateTimeOffset time, InfluxPrecision precision) => End(ToTimestamp(time, precision));

    /// <summary>Ends the point without a timestamp: the server stamps it on arrival.</summary>
    public LineProtocolWriter End()
    {
        EndFields();
        return Finish();
    }

    /// <summary>Discards the point being built (e.g. after a rejected value).</summary>
    public void Cancel()
    {
        if (_measurement is not null)
        {
            _text.Length = _lineStart;
            _measurement = null;
        }
    }

    /// <summary>Clears all lines, keeping the buffer's capacity.</summary>
    public void Clear()
    {
        _text.Clear();
        _measurement = null;
        _lastLineStart = 0;
        Lines = 0;
    }

    /// <summary>The completed lines, each ended by <c>\n</c>.</summary>
    public override string ToString() => _measurement is null ? _text.ToString() : _text.ToString(0, _lineStart);

    /// <summary>The last completed line without its newline.</summary>
    public string LastLine()
    {
        var end = _measurement is null ? _text.Length : _lineStart;
        return end == 0 ? "" : _text.ToString(_lastLineStart, end - 1 - _lastLineStart);
    }

    private void FieldKey(string key)
    {
        RequireOpen();
        ArgumentException.ThrowIfNullOrEmpty(key);
        RejectUnwritable(key, "field key");
        if (_fields == 0)
        {
            WriteSeriesKey();
        }
        else
        {
            _text.Append(',');
        }
        AppendEscaped(key, escapeEquals: true);
        _text.Append('=');
        _fields++;
    }

    private void WriteSeriesKey()
    {
        AppendEscaped(_measurement!, escapeEquals: false);
        _tags.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (key, value) in _tags)
        {
            _text.Append(',');
            AppendEscaped(key, escapeEquals: true);
            _text.Append('=');
            AppendEscaped(value, escapeEquals: true);
        }
        _text.Append(' ');
    }

    private void EndFields()
    {
        RequireOpen();
        if (_fields == 0)
        {
            throw new InvalidOperationException($"Point '{_measurement}' has no fields; a point needs at least one.");
        }
    }

    private LineProtocolWriter Finish()
    {
        _lastLineStart = _lineStart;
        _text.Append('\n');
        _measurement = null;
        Lines++;
        return this;
    }

    private void RequireOpen()
    {
        if (_measurement is null)
        {
            throw new InvalidOperationException("Call Begin(measurement) first.");
        }
    }

    private void Append(long value)
    {
        Span<char> buffer = stackalloc char[20];
        value.TryFormat(buffer, out var n, default, CultureInfo.InvariantCulture);
        _text.Append(buffer[..n]);
    }
}
