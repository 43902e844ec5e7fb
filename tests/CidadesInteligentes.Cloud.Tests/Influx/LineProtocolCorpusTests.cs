using System.Text.Json;
using CidadesInteligentes.Cloud.Influx;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Influx;

/// <summary>
/// Every encode vector of the InfluxData line-protocol corpus (shared/data/line-protocol-corpus/corpus.json, MIT):
/// a point in, the exact line (or an error) out.
/// </summary>
public sealed class LineProtocolCorpusTests
{
    private static readonly Lazy<JsonDocument> Corpus = new(() => JsonDocument.Parse(File.ReadAllText(LocateCorpus())));

    public static TheoryData<string> EncodeKeys()
    {
        var data = new TheoryData<string>();
        foreach (var p in Corpus.Value.RootElement.GetProperty("encode").EnumerateObject())
        {
            data.Add(p.Name);
        }
        return data;
    }

    public static TheoryData<string> DecodeKeysWithPoints()
    {
        var data = new TheoryData<string>();
        foreach (var p in Corpus.Value.RootElement.GetProperty("decode").EnumerateObject())
        {
            if (p.Value.GetProperty("output").TryGetProperty("result", out _))
            {
                data.Add(p.Name);
            }
        }
        return data;
    }

    /// <summary>
    /// The decode vectors' expected points (fuzzed names full of escapes) written back out must read back as the same
    /// point: the escaping is unambiguous. Unsigned values above the int64 range have no 1.x type and must be refused.
    /// </summary>
    [Theory]
    [MemberData(nameof(DecodeKeysWithPoints))]
    public void Decoded_corpus_points_round_trip(string key)
    {
        var vector = Corpus.Value.RootElement.GetProperty("decode").GetProperty(key);
        foreach (var point in vector.GetProperty("output").GetProperty("result").EnumerateArray())
        {
            var w = new LineProtocolWriter();
            var fields = point.GetProperty("fields").EnumerateArray().ToList();
            if (fields.Any(f => f.GetProperty("value").TryGetProperty("uint", out var u) && u.GetUInt64() > long.MaxValue))
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => Encode(w, point));
                continue;
            }
            Encode(w, point);
            var parsed = LineReader.Read(w.LastLine());
            Assert.Equal(point.GetProperty("name").GetString(), parsed.Measurement);
            var tags = point.GetProperty("tags").EnumerateArray()
                .Select(t => (t.GetProperty("key").GetString()!, t.GetProperty("value").GetString()!))
                .OrderBy(t => t.Item1, StringComparer.Ordinal);
            Assert.Equal(tags, parsed.Tags);
            Assert.Equal(fields.Select(f => (f.GetProperty("key").GetString()!, FieldText(f.GetProperty("value")))), parsed.Fields);
            Assert.Equal(point.GetProperty("time").GetInt64(), parsed.Time);
        }
    }

    private static string FieldText(JsonElement value)
    {
        var v = value.EnumerateObject().Single();
        var w = new LineProtocolWriter();
        switch (v.Name)
        {
            case "float": w.Begin("m").Field("f", v.Value.GetDouble()); break;
            case "int": w.Begin("m").Field("f", v.Value.GetInt64()); break;
            case "uint": w.Begin("m").Field("f", v.Value.GetUInt64()); break;
            case "bool": w.Begin("m").Field("f", v.Value.GetBoolean()); break;
            default: return "\"" + v.Value.GetString() + "\"";
        }
        return w.End(0).LastLine()["m f=".Length..^" 0".Length];
    }

    [Fact]
    public void Corpus_has_encode_vectors()
    {
        Assert.True(Corpus.Value.RootElement.GetProperty("encode").EnumerateObject().Count() >= 100);
    }

    [Theory]
    [MemberData(nameof(EncodeKeys))]
    public void Encodes_corpus_vector(string key)
    {
        var vector = Corpus.Value.RootElement.GetProperty("encode").GetProperty(key);
        var point = vector.GetProperty("input").GetProperty("point");
        Assert.Equal("1ns", vector.GetProperty("input").GetProperty("precision").GetString());
        var output = vector.GetProperty("output");
        var w = new LineProtocolWriter();

        if (output.TryGetProperty("error", out var error))
        {
            Assert.ThrowsAny<ArgumentException>(() => Encode(w, point));
            Assert.Equal("", w.ToString().Trim());
            Assert.NotEmpty(error.GetString()!);
            return;
        }
        Encode(w, point);
        Assert.Equal(output.GetProperty("result").GetString(), w.LastLine());
        Assert.Equal(1, w.Lines);
    }

    private static void Encode(LineProtocolWriter w, JsonElement point)
    {
        w.Begin(point.GetProperty("name").GetString()!);
        if (point.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in tags.EnumerateArray())
            {
                w.Tag(t.GetProperty("key").GetString()!, t.GetProperty("value").GetString()!);
            }
        }
        foreach (var f in point.GetProperty("fields").EnumerateArray())
        {
            var key = f.GetProperty("key").GetString()!;
            var value = f.GetProperty("value").EnumerateObject().Single();
            switch (value.Name)
            {
                case "float": w.Field(key, value.Value.GetDouble()); break;
                case "int": w.Field(key, value.Value.GetInt64()); break;
                case "uint": w.Field(key, value.Value.GetUInt64()); break;
                case "bool": w.Field(key, value.Value.GetBoolean()); break;
                case "string": w.Field(key, value.Value.GetString()!); break;
                default: throw new InvalidOperationException($"corpus value type '{value.Name}' is not one InfluxDB 1.x has");
            }
        }
        w.End(point.GetProperty("time").GetInt64());
    }

    // The corpus is shared test data, not a copy in this repository: $LINE_PROTOCOL_CORPUS, or shared/data found by
    // walking up from the test binaries.
    private static string LocateCorpus()
    {
        if (Environment.GetEnvironmentVariable("LINE_PROTOCOL_CORPUS") is { Length: > 0 } configured)
        {
            return configured;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { "shared/data/line-protocol-corpus/corpus.json", "data/line-protocol-corpus/corpus.json" })
            {
                var path = Path.Combine(dir.FullName, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }
        throw new FileNotFoundException(
            "The line-protocol corpus was not found: set LINE_PROTOCOL_CORPUS to its corpus.json " +
            "(shared/data/line-protocol-corpus/corpus.json next to the repository).");
    }
}
