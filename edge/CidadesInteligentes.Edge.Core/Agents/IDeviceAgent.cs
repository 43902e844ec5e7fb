using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>What the <see cref="Uplink"/> needs from a device agent. Implementations are thread-safe.</summary>
public interface IDeviceAgent
{
    DeviceIdentity Identity { get; }

    IOutbox Outbox { get; }

    TimeProvider Time { get; }

    /// <summary>Executes a command idempotently and queues its ack; the uplink calls it for each message on <c>.../cmd</c>.</summary>
    void HandleCommand(DeviceCommand command);

    /// <summary>Queues an event (e.g. <c>outboxOverflow</c>) stamped with the agent's clock.</summary>
    void RaiseEvent(string type, bool active, string? detail);

    /// <summary>Raised when a <c>requestStatus</c> command asks for the retained status to be published again.</summary>
    event Action? StatusRequested;
}
