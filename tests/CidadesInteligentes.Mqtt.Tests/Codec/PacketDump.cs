using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Mqtt.Tests.Codec;

/// <summary>
/// Canonical text of every public property of a packet (recursively), so a round-trip failure shows which field
/// differs instead of "objects are not equal".
/// </summary>
internal static class PacketDump
{
    public static string Of(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value, 0);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, object? value, int depth)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                sb.Append('"').Append(s).Append('"');
                return;
            case byte[] bytes:
                sb.Append("0x").Append(Convert.ToHexString(bytes));
                return;
            case ReadOnlyMemory<byte> memory:
                sb.Append("0x").Append(Convert.ToHexString(memory.Span));
                return;
            case IFormattable f when value.GetType().IsPrimitive || value.GetType().IsEnum:
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case KeyValuePair<string, string> kv:
                sb.Append(kv.Key).Append('=').Append(kv.Value);
                return;
            case TopicSubscription ts:
                sb.Append(ts);
                return;
            case IEnumerable list:
                sb.Append('[');
                foreach (var item in list)
                {
                    Append(sb, item, depth + 1);
                    sb.Append(',');
                }
                sb.Append(']');
                return;
        }
        if (depth > 4)
        {
            throw new InvalidOperationException("dump too deep");
        }
        var type = value.GetType();
        sb.Append(type.Name).Append('{');
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            sb.Append(p.Name).Append(':');
            Append(sb, p.GetValue(value), depth + 1);
            sb.Append(';');
        }
        sb.Append('}');
    }
}
