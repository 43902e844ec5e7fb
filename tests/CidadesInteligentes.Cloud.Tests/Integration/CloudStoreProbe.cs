using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;

namespace CidadesInteligentes.Cloud.Tests.Integration;

/// <summary>What the integration tests read from (and do to) a cloud process's store and API.</summary>
internal static class CloudStoreProbe
{
    /// <summary>
    /// The telemetry seqs of <paramref name="device"/> committed in the store in <paramref name="dir"/>, read through a
    /// read-only connection: opening a <see cref="SqliteStore"/> there would write (it folds the cloud's pending
    /// roll-ups), and the tests must see the store as the cloud alone left it.
    /// </summary>
    public static List<long> StoredSeqs(string dir, string device) =>
        ReadOnly(dir, "SELECT seq FROM telemetry WHERE device = $d ORDER BY seq", r => r.GetInt64(0), ("$d", device));

    /// <summary>Rows of <paramref name="sql"/> on a read-only, unpooled connection to the store in <paramref name="dir"/>.</summary>
    public static List<T> ReadOnly<T>(string dir, string sql, Func<SqliteDataReader, T> map, params (string Name, object Value)[] values)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dir, "cidades.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in values)
        {
            cmd.Parameters.AddWithValue(name, value);
        }
        using var r = cmd.ExecuteReader();
        var rows = new List<T>();
        while (r.Read())
        {
            rows.Add(map(r));
        }
        return rows;
    }

    public static async Task<JsonElement> Stats(CloudProcess p) => await p.Http.GetFromJsonAsync<JsonElement>("/api/ingest/stats");

    /// <summary>Command-line arguments for a cloud consuming from <paramref name="mosquitto"/> through the <c>ci-cloud</c> share group.</summary>
    public static string[] UpstreamArgs(MosquittoServer mosquitto, string clientId, string dir) =>
        ["--Broker:Enabled", "false", "--Upstream:Host", "127.0.0.1", "--Upstream:Port", mosquitto.Port.ToString(CultureInfo.InvariantCulture),
         "--Upstream:ClientId", clientId, "--Upstream:SharedGroup", "ci-cloud", "--Storage:Directory", dir];

    /// <summary>Runs SQL on the store's file from outside the cloud process (e.g. a trigger that makes commits fail).</summary>
    public static async Task ExecuteAsync(string dir, string sql)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(dir, "cidades.db")};Default Timeout=30");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
