using System.Text.Json;
using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Commands;

/// <summary>Body of <c>POST /api/devices/{id}/commands</c>.</summary>
internal sealed class CommandRequest
{
    public string? Type { get; set; }
    public int? DimPercent { get; set; }
    public int? DurationS { get; set; }
    public DimmingProgram? Program { get; set; }
    public int? ExpiresInS { get; set; }
}

/// <summary>Where commands go: the embedded broker or the upstream client.</summary>
internal interface ICommandPublisher
{
    /// <summary>Publishes at QoS 1; throws <see cref="CommandNotSentException"/> when the broker cannot take it now.</summary>
    Task PublishAsync(string topic, byte[] payload, CancellationToken ct);
}

/// <summary>
/// The command could not be handed to the broker now (the upstream connection is down or being replaced). The command
/// is stored but not sent; sending it again later is safe (devices recognise a command by its id).
/// </summary>
internal sealed class CommandNotSentException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Sends commands to devices (audited, stored, published at QoS 1 on the device's <c>cmd</c> topic) and reports their
/// acknowledgement, which the ingestor records when the device's <c>cmd/ack</c> arrives.
/// </summary>
internal sealed class CommandService(SqliteStore store, FleetState fleet, ICommandPublisher publisher, TimeProvider time)
{
    public static readonly string[] Types = ["setOverride", "clearOverride", "setProgram", "requestStatus"];

    /// <summary>Validates and sends; returns the stored command, or the list of problems.</summary>
    public async Task<(CommandRow? Command, IReadOnlyList<string> Problems)> SendAsync(string deviceId, CommandRequest request, string by, CancellationToken ct)
    {
        var device = fleet.Find(deviceId) ?? throw new KeyNotFoundException($"device '{deviceId}' is not known");
        var problems = new List<string>();
        if (request.Type is null || !Types.Contains(request.Type))
        {
            problems.Add($"type must be one of {string.Join(", ", Types)}");
        }
        if (request.Type == "setOverride")
        {
            if (request.DimPercent is not (>= 0 and <= 100))
            {
                problems.Add("dimPercent is required for setOverride and must be 0–100");
            }
            if (request.DurationS is not (>= 60 and <= 86_400))
            {
                problems.Add("durationS is required for setOverride and must be 60–86400 seconds");
            }
        }
        if (request.Type == "setProgram")
        {
            // the device's own rules: a program it would refuse is not sent
            problems.AddRange(request.Program is null
                ? ["program is required for setProgram"]
                : DimmingProgramRules.Validate(request.Program).Select(p => "program." + p));
        }
        if (request.Type is "setOverride" or "setProgram" && device.Kind != "luminaire")
        {
            problems.Add($"{request.Type} applies to luminaires; '{deviceId}' is a {device.Kind}");
        }
        var expiresIn = request.ExpiresInS ?? 600;
        if (expiresIn is < 10 or > 7 * 86_400)
        {
            problems.Add("expiresInS must be 10–604800 seconds");
        }
        if (problems.Count > 0)
        {
            return (null, problems);
        }
        var now = time.GetUtcNow();
        var command = new DeviceCommand
        {
            V = 1,
            Id = Guid.NewGuid().ToString(),
            Ts = now,
            ExpiresAt = now.AddSeconds(expiresIn),
            Type = request.Type,
            DimPercent = request.Type == "setOverride" ? request.DimPercent : null,
            DurationS = request.Type == "setOverride" ? request.DurationS : null,
            Program = request.Type == "setProgram" ? request.Program : null,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(command, TelemetryJson.Default.DeviceCommand);
        var row = new CommandRow(command.Id, deviceId, device.City, command.Type!, System.Text.Encoding.UTF8.GetString(body), now, by, null, null, null);
        await store.InsertCommandAsync(row, ct).ConfigureAwait(false);
        await store.AuditAsync(now, by, "command", deviceId, $"{command.Type} (command {command.Id}): {row.Body}", ct).ConfigureAwait(false);
        var kind = device.Kind == "hotspot" ? DeviceKind.Hotspot : DeviceKind.Luminaire;
        await publisher.PublishAsync(TopicName.Build(device.City, kind, deviceId, TopicStream.Command), body, ct).ConfigureAwait(false);
        return (row, []);
    }
}
