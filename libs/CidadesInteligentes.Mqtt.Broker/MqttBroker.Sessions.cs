using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Mqtt.Broker;

public sealed partial class MqttBroker
{
    internal (Session Session, bool Present) OpenSession(ClientHandler handler, ConnectPacket connect)
    {
        lock (_connectGate)
        {
            var id = connect.ClientId;
            _sessions.TryGetValue(id, out var existing);
            if (existing?.Handler is { } old && !ReferenceEquals(old, handler))
            {
                Interlocked.Increment(ref Metrics.SessionTakeoversValue);
                existing.Detach(old);
                old.TakeOver();
                if (old.Will is not null && old.WillDelaySeconds == 0)
                {
                    PublishWill(old.Will, old.Client);
                }
            }
            Session session;
            bool present;
            if (existing is null || connect.CleanStart)
            {
                if (existing is not null)
                {
                    RemoveSubscriptions(existing);
                }
                session = new Session(id, Metrics, Options);
                _sessions[id] = session;
                present = false;
            }
            else
            {
                session = existing;
                present = true;
            }
            session.Generation++;
            session.Version = connect.ProtocolVersion;
            session.ClientReceiveMaximum = connect.Properties?.ReceiveMaximum ?? ushort.MaxValue;
            session.ExpirySeconds = connect.ProtocolVersion == MqttProtocolVersion.V311
                ? (connect.CleanStart ? 0u : PersistentSessionExpirySeconds)
                : connect.Properties?.SessionExpiryInterval ?? 0u;
            Interlocked.Increment(ref Metrics.ConnectedValue);
            return (session, present);
        }
    }

    /// <summary>Expiry of a 3.1.1 persistent session: <see cref="BrokerOptions.PersistentSessionExpiry"/>, else never (<see cref="uint.MaxValue"/>).</summary>
    private uint PersistentSessionExpirySeconds => Options.PersistentSessionExpiry is { } e && e > TimeSpan.Zero
        ? (uint)Math.Min(Math.Ceiling(e.TotalSeconds), uint.MaxValue - 1)
        : uint.MaxValue;

    internal void OnClosed(ClientHandler handler, bool graceful)
    {
        var session = handler.Session!;
        long generation;
        lock (_connectGate)
        {
            Interlocked.Decrement(ref Metrics.ConnectedValue);
            session.Detach(handler);
            generation = session.Generation;
            if (handler.TakenOver)
            {
                return;
            }
        }
        Sink?.OnConnectionChanged(handler.Client!, connected: false, graceful);
        if (!graceful && handler.Will is { } will)
        {
            var delay = Math.Min(handler.WillDelaySeconds, session.ExpirySeconds);
            if (delay == 0)
            {
                PublishWill(will, handler.Client);
            }
            else
            {
                After(TimeSpan.FromSeconds(delay), () =>
                {
                    if (session.Generation == generation && session.Handler is null)
                    {
                        PublishWill(will, handler.Client);
                    }
                });
            }
        }
        if (session.ExpirySeconds == 0)
        {
            EndSession(session, generation);
        }
        else if (session.ExpirySeconds != uint.MaxValue)
        {
            After(TimeSpan.FromSeconds(session.ExpirySeconds), () => EndSession(session, generation));
        }
    }

    private void EndSession(Session session, long generation)
    {
        lock (_connectGate)
        {
            if (session.Generation != generation || session.Handler is not null)
            {
                return;
            }
            if (_sessions.TryGetValue(session.ClientId, out var current) && ReferenceEquals(current, session))
            {
                _sessions.TryRemove(session.ClientId, out _);
                RemoveSubscriptions(session);
            }
        }
    }

    /// <summary>The longest wait a timer takes (about 49.7 days); MQTT 5 intervals go up to 136 years.</summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private void After(TimeSpan delay, Action action)
    {
        // a longer interval waits in steps: one Task.Delay past the limit throws instead of waiting
        var step = delay > MaxTimerDelay ? MaxTimerDelay : delay;
        _ = Task.Delay(step, Options.TimeProvider, _stopping.Token).ContinueWith(
            t =>
            {
                if (t.IsCanceled)
                {
                    return;
                }
                if (delay > step)
                {
                    After(delay - step, action);
                }
                else
                {
                    action();
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void PublishWill(WillMessage will, BrokerClient? client)
    {
        Interlocked.Increment(ref Metrics.WillsPublishedValue);
        var props = will.Properties;
        DateTimeOffset? expires = props?.MessageExpiryInterval is { } s ? Options.TimeProvider.GetUtcNow().AddSeconds(s) : null;
        var keep = props is null ? null : new MqttProperties
        {
            PayloadFormatIndicator = props.PayloadFormatIndicator,
            ContentType = props.ContentType,
            ResponseTopic = props.ResponseTopic,
            CorrelationData = props.CorrelationData,
            UserProperties = props.UserProperties,
        };
        var message = new BrokerMessage(will.Topic, will.Payload, will.Qos, will.Retain, keep, expires);
        Route(message, null);
        if (client is not null)
        {
            Sink?.OnWillPublished(client, message);
        }
    }
}
