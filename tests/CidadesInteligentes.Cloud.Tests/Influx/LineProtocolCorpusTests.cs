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
