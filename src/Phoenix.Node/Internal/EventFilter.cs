using Grpc.Core;
using Phoenix.Node.Api;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Internal;

/// <summary>A validated <see cref="SubscribeEventsRequest"/>: turns committed blocks into the events a subscriber asked for.</summary>
internal sealed class EventFilter
{
    private readonly bool _newBlocks;
    private readonly bool _txResults;
    private readonly string[] _prefixes;
    private readonly (string Key, string Value)[] _attributes;
    private readonly HashSet<Hash32>? _txHashes;

    private EventFilter(bool newBlocks, bool txResults, string[] prefixes, (string, string)[] attributes, HashSet<Hash32>? txHashes)
    {
        _newBlocks = newBlocks;
        _txResults = txResults;
        _prefixes = prefixes;
        _attributes = attributes;
        _txHashes = txHashes;
    }

    public static EventFilter Create(SubscribeEventsRequest request, int maxFilters)
    {
        var entries = request.EventTypePrefixes.Count + request.AttributeFilters.Count + request.TxHashes.Count;
        if (entries > maxFilters)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the subscription has {entries} filter entries; the limit is {maxFilters}"));
        }

        if (!request.NewBlocks && !request.TxResults && request.EventTypePrefixes.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the subscription selects nothing: set new_blocks, tx_results or event_type_prefixes"));
        }

        if (request.EventTypePrefixes.Any(string.IsNullOrEmpty))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "event_type_prefixes must not contain empty strings"));
        }

        var hashes = request.TxHashes.Count == 0
            ? null
            : request.TxHashes.Select(h => NodeGrpcService.ParseHash(h, "tx_hashes")).ToHashSet();
        return new EventFilter(
            request.NewBlocks,
            request.TxResults,
            [.. request.EventTypePrefixes],
            request.AttributeFilters.Select(a => (a.Key, a.Value)).ToArray(),
            hashes);
    }

    public IEnumerable<ChainEvent> Select(CommittedBlock committed)
    {
        var block = committed.Block;
        if (_newBlocks)
        {
            yield return new ChainEvent
            {
                NewBlock = new NewBlock
                {
                    Height = block.Height,
                    Hash = ApiMapping.Bytes(block.Hash),
                    Time = ApiMapping.Time(block.Time),
                    TxCount = block.Txs.Count,
                    AppHash = ApiMapping.Bytes(block.AppHash),
                },
            };
        }

        for (var i = 0; i < block.Txs.Count && i < committed.TxResults.Count; i++)
        {
            var hash = committed.TxHashes[i];
            if (_txHashes is not null && !_txHashes.Contains(hash))
            {
                continue;
            }

            var result = committed.TxResults[i];
            if (_txResults)
            {
                yield return new ChainEvent
                {
                    TxResult = new TxResultEvent { Height = block.Height, Index = (uint)i, TxHash = ApiMapping.Bytes(hash), Result = ApiMapping.ToProto(result) },
                };
            }

            foreach (var e in result.Events.Where(Matches))
            {
                yield return new ChainEvent { AppEvent = new AppEvent { Height = block.Height, TxHash = ApiMapping.Bytes(hash), Event = ApiMapping.ToProto(e) } };
            }
        }

        if (_txHashes is null)
        {
            foreach (var e in committed.BlockEvents.Where(Matches))
            {
                yield return new ChainEvent { AppEvent = new AppEvent { Height = block.Height, Event = ApiMapping.ToProto(e) } };
            }
        }
    }

    private bool Matches(AbciEvent e)
        => _prefixes.Any(p => e.Type.StartsWith(p, StringComparison.Ordinal))
            && _attributes.All(f => e.Attributes.Any(a => string.Equals(a.Key, f.Key, StringComparison.Ordinal) && string.Equals(a.Value, f.Value, StringComparison.Ordinal)));
}
