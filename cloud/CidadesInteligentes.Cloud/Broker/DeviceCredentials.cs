using System.Net;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Telemetry.Security;

namespace CidadesInteligentes.Cloud.Broker;

/// <summary>
/// The broker's device credentials: one <c>deviceId pbkdf2-sha256:…</c> line per device (the hash the device's
/// <c>provision</c> command printed). Lines starting with <c>#</c> are comments. A line <c>observer:name hash</c> adds a
/// read-only monitoring account that may subscribe to everything under <c>ci/v1/</c> but publish nothing.
/// </summary>
internal sealed class DeviceCredentials : IBrokerAuthenticator, IBrokerAuthorizer
{
    private readonly Dictionary<string, string> _hashes;

    private DeviceCredentials(Dictionary<string, string> hashes) => _hashes = hashes;

    public int Count => _hashes.Count;

    public static DeviceCredentials Parse(IEnumerable<string> lines, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var n = 0;
        foreach (var raw in lines)
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                errors.Add($"devices file line {n}: expected 'deviceId hash', found {parts.Length} fields");
                continue;
            }
            var id = parts[0];
            var isObserver = id.StartsWith("observer:", StringComparison.Ordinal) && id.Length > "observer:".Length;
            if (!isObserver && !TopicName.IsValidDeviceId(id))
            {
                errors.Add($"devices file line {n}: '{id}' is not a valid device id (lowercase letters, digits and '-', 3–64 characters)");
                continue;
            }
            if (!DeviceSecret.IsWellFormed(parts[1]))
            {
                errors.Add($"devices file line {n}: the hash for '{id}' is not a pbkdf2-sha256 hash written by the provision command");
                continue;
            }
            if (!map.TryAdd(id, parts[1]))
            {
                errors.Add($"devices file line {n}: device '{id}' is listed twice");
            }
        }
        problems = errors;
        return new DeviceCredentials(map);
    }

    public ValueTask<byte> AuthenticateAsync(ConnectPacket connect, EndPoint? remote, CancellationToken ct)
    {
        var user = connect.Username;
        if (user is null || connect.Password is not { } password)
        {
            return ValueTask.FromResult(ReasonCodes.BadUserNameOrPassword);
        }
        var isObserver = user.StartsWith("observer:", StringComparison.Ordinal);
        if (!isObserver && connect.ClientId != user)
        {
            // the contract: client id = username = device id
            return ValueTask.FromResult(ReasonCodes.ClientIdentifierNotValid);
        }
        if (!_hashes.TryGetValue(user, out var hash) || !DeviceSecret.Verify(hash, password))
        {
            return ValueTask.FromResult(ReasonCodes.BadUserNameOrPassword);
        }
        return ValueTask.FromResult(ReasonCodes.Success);
    }

    public bool CanPublish(BrokerClient client, string topic) =>
        client.Username is { } user && !user.StartsWith("observer:", StringComparison.Ordinal)
        && TopicName.TryParse(topic, out var name, out _) && name.Device == user && name.Stream != TopicStream.Command;

    public bool CanSubscribe(BrokerClient client, string filter)
    {
        if (client.Username is not { } user)
        {
            return false;
        }
        if (user.StartsWith("observer:", StringComparison.Ordinal))
        {
            return filter.StartsWith("ci/v1/", StringComparison.Ordinal) || filter is "ci/#";
        }
        // a device may subscribe only to its own command topic
        return TopicName.TryParse(filter, out var name, out _) && name.Device == user && name.Stream == TopicStream.Command;
    }

    public static string Line(string device, string secret) => $"{device} {DeviceSecret.Hash(secret)}";
}
