using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Phoenix.Protocol.State;
using Phoenix.Sdk.Client.Internal;
using Phoenix.Sdk.Resilience;
using Wire = Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.Client;

public sealed partial class PhoenixClient
{
    private const int MaxConsistentReadAttempts = 8;

    /// <summary>
    /// Runs a read of several state records at one committed height: the first answer pins the height, later key
    /// reads ask for it, and a prefix read (served only at the node's latest height) that answers for another
    /// height restarts the read. Each entry is proof-checked when the client has a trusted app hash source.
    /// </summary>
    private async Task<T> ReadConsistentAsync<T>(Func<StateRead, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read(new StateRead(this, cancellationToken)).ConfigureAwait(false);
            }
            catch (HeightMovedException) when (attempt < MaxConsistentReadAttempts)
            {
                // A block committed between two answers: read again at the new latest height.
            }
            catch (HeightMovedException)
            {
                throw new PhoenixProtocolViolationException(string.Create(CultureInfo.InvariantCulture, $"the node's answers spanned several heights in each of {MaxConsistentReadAttempts} attempts at one consistent read"));
            }
        }
    }

    private async Task<(QueryAnswer Answer, string Log)> QueryRawAsync(string path, byte[] data, long height, CancellationToken cancellationToken)
    {
        var prove = _trusted is not null;
        var r = await Pipeline.ExecuteAsync(
            async (uri, token) => await GetNode(uri).Api.QueryStateAsync(new Wire.QueryStateRequest { Path = path, Data = ByteString.CopyFrom(data), Height = height, Prove = prove }, cancellationToken: token).ConfigureAwait(false),
            Idempotency.Idempotent,
            cancellationToken).ConfigureAwait(false);
        if (r.Code != 0)
        {
            throw new QueryFailedException(path, r.Code, r.Codespace, r.Log);
        }

        if (height != 0 && r.Height != height)
        {
            throw new LightClientVerificationException(string.Create(CultureInfo.InvariantCulture, $"asked for height {height}, the node answered for height {r.Height}"));
        }

        if (r.Height <= 0)
        {
            throw new PhoenixProtocolViolationException($"the answer to '{path}' names no height");
        }

        return (new QueryAnswer(path, r.Height, r.Key.ToByteArray(), r.Value.ToByteArray(), [.. r.ProofOps]), r.Log);
    }

    private static List<KeyValuePair<byte[], byte[]>> ParseEntries(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prefix)
    {
        var entries = new List<KeyValuePair<byte[], byte[]>>();
        byte[]? previous = null;
        while (!raw.IsEmpty)
        {
            var key = ReadChunk(ref raw);
            var value = ReadChunk(ref raw);
            if (!key.AsSpan().StartsWith(prefix))
            {
                throw new PhoenixProtocolViolationException($"the prefix answer holds key '{StateKeys.Describe(key)}' outside the prefix");
            }

            if (previous is not null && previous.AsSpan().SequenceCompareTo(key) >= 0)
            {
                throw new PhoenixProtocolViolationException("the prefix answer's keys are not in strictly ascending order");
            }

            previous = key;
            entries.Add(new(key, value));
        }

        return entries;

        static byte[] ReadChunk(ref ReadOnlySpan<byte> raw)
        {
            if (raw.Length < 4)
            {
                throw new PhoenixProtocolViolationException("the prefix answer is truncated");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(raw);
            if (length < 0 || length > raw.Length - 4)
            {
                throw new PhoenixProtocolViolationException("the prefix answer is truncated");
            }

            var chunk = raw.Slice(4, length).ToArray();
            raw = raw[(4 + length)..];
            return chunk;
        }
    }

    /// <summary>A block committed between two answers of one consistent read.</summary>
    private sealed class HeightMovedException : Exception
    {
    }

    /// <summary>One consistent read: the height it is pinned to and the records fetched so far.</summary>
    private sealed class StateRead(PhoenixClient client, CancellationToken cancellationToken)
    {
        private ProvenState? _state;

        /// <summary>The records fetched so far (available after the first fetch).</summary>
        public ProvenState State => _state ?? throw new InvalidOperationException("Nothing fetched yet.");

        /// <summary>Fetches every entry under <paramref name="prefix"/> at the node's latest height.</summary>
        public async Task<IReadOnlyList<KeyValuePair<byte[], byte[]>>> PrefixAsync(byte[] prefix)
        {
            var (answer, _) = await client.QueryRawAsync("/store/prefix", prefix, 0, cancellationToken).ConfigureAwait(false);
            if (_state is not null && answer.Height != _state.Height)
            {
                throw new HeightMovedException();
            }

            _state ??= new ProvenState(answer.Height);
            var entries = ParseEntries(answer.Value.Span, prefix);
            if (client._trusted is not null)
            {
                if (answer.ProofOps.Count != entries.Count)
                {
                    throw new LightClientVerificationException(string.Create(CultureInfo.InvariantCulture, $"the prefix answer '{StateKeys.Describe(prefix)}' holds {entries.Count} entries but {answer.ProofOps.Count} proofs"));
                }

                var root = await client._trusted.GetAppHashAsync(answer.Height, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < entries.Count; i++)
                {
                    var op = answer.ProofOps[i];
                    var (key, value) = (entries[i].Key, entries[i].Value);
                    if (op.Type != StateProof.ProofType || !op.Key.Span.SequenceEqual(key))
                    {
                        throw new LightClientVerificationException($"the proof of entry '{StateKeys.Describe(key)}' is missing or for another key");
                    }

                    if (!StateProof.TryParse(op.Data.Span, out var proof) || proof is null || !proof.VerifyInclusion(root, key, value))
                    {
                        throw new LightClientVerificationException(string.Create(CultureInfo.InvariantCulture, $"the value of '{StateKeys.Describe(key)}' does not match its proof against the trusted app hash at height {answer.Height}"));
                    }
                }
            }

            _state.AddPrefix(prefix, entries);
            return entries;
        }

        /// <summary>Fetches the keys not fetched yet, at the pinned height (or pins the latest).</summary>
        public async Task FetchAsync(IEnumerable<byte[]> keys)
        {
            foreach (var key in keys)
            {
                if (_state is not null && _state.HasKey(key))
                {
                    continue;
                }

                var (answer, log) = await client.QueryRawAsync("/store/key", key, _state?.Height ?? 0, cancellationToken).ConfigureAwait(false);
                _state ??= new ProvenState(answer.Height);
                var absent = answer.Value.IsEmpty && string.Equals(log, "absent", StringComparison.Ordinal);
                var value = absent ? null : answer.Value.ToArray();
                if (client._trusted is not null)
                {
                    await client.VerifyAsync(answer, key, value ?? [], allowAbsent: absent, cancellationToken).ConfigureAwait(false);
                }

                _state.AddKey(key, value);
            }
        }
    }
}
