using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Lighting;

public sealed class StoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ci-store-" + Guid.NewGuid().ToString("N"));

    public StoreTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Override_round_trips_and_clearing_removes_the_file()
    {
        var store = new OverrideStore(Path.Combine(_dir, "state", "override.json"));
        Assert.Null(store.Load());
        var value = new LightingOverride(25, new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero), "c-1");
        store.Save(value);
        Assert.Equal(value, store.Load());
        store.Save(null);
        Assert.False(File.Exists(store.Path));
    }

    [Fact]
    public void A_damaged_override_reads_as_none_but_a_damaged_program_is_reported()
    {
        File.WriteAllText(Path.Combine(_dir, "override.json"), "{\"dimPer");
        Assert.Null(new OverrideStore(Path.Combine(_dir, "override.json")).Load());

        File.WriteAllText(Path.Combine(_dir, "program.json"), "not json");
        Assert.Throws<InvalidDataException>(() => new ProgramStore(Path.Combine(_dir, "program.json")).Load());
    }

    [Fact]
    public void Program_file_uses_the_contract_json()
    {
        var store = new ProgramStore(Path.Combine(_dir, "program.json"));
        store.Save(DimmingProgram.Default());
        var text = File.ReadAllText(store.Path);
        Assert.Contains("\"switchOn\":{\"at\":\"sunset\",\"offsetMin\":-10}", text, StringComparison.Ordinal);
        Assert.Equal(3, store.Load()!.Steps.Count);
    }
}
