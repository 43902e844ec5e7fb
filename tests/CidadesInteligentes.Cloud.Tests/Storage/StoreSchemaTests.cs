using CidadesInteligentes.Cloud.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Storage;

/// <summary>The SQLite store's durability settings and schema versioning.</summary>
public sealed class StoreSchemaTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ci-store-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_fresh_store_writes_with_wal_synchronous_full_and_temp_store_in_memory_at_the_latest_schema_version()
    {
        using var store = SqliteStore.Open(_dir);

        Assert.Equal("wal", store.WriterPragma("journal_mode"));
        // synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
        Assert.Equal("2", store.WriterPragma("synchronous"));
        // temp_store: 0 DEFAULT, 1 FILE, 2 MEMORY (the multi-row upserts' statement journals stay off the disk)
        Assert.Equal("2", store.WriterPragma("temp_store"));
        Assert.Equal(Schema.Migrations.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), store.WriterPragma("user_version"));
        Assert.Equal(Schema.Migrations.Length, store.SchemaVersion);
    }

    [Fact]
    public void Reopening_keeps_the_schema_version_and_applies_no_migration_twice()
    {
        SqliteStore.Open(_dir).Dispose();
        using var store = SqliteStore.Open(_dir);
        Assert.Equal(Schema.Migrations.Length, store.SchemaVersion);
        Assert.Equal(Schema.Migrations.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), store.WriterPragma("user_version"));
    }

    [Fact]
    public void A_database_from_a_newer_program_is_refused_with_a_clear_message_and_left_untouched()
    {
        var path = Path.Combine(_dir, "cidades.db");
        var newer = Schema.Migrations.Length + 1;
        // written by a "newer program": the default rollback journal, one table, one row, user_version one ahead
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"CREATE TABLE future (x INTEGER); INSERT INTO future VALUES (42); PRAGMA user_version = {newer};";
            cmd.ExecuteNonQuery();
        }
        var before = File.ReadAllBytes(path);
        var modifiedBefore = File.GetLastWriteTimeUtc(path);

        var e = Assert.Throws<InvalidOperationException>(() => SqliteStore.Open(_dir));

        Assert.Contains($"schema version {newer}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"newer than this program knows ({Schema.Migrations.Length})", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(modifiedBefore, File.GetLastWriteTimeUtc(path));
        Assert.False(File.Exists(path + "-wal"), "a refused database must not be switched to WAL");
    }
}
