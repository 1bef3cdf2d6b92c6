using Microsoft.ML.OnnxRuntime;
using Phoenix.Compute.Internal.OnnxProto;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Internal;

/// <summary>A cached model: its plain session and, on first use, its traced session. Reference-counted.</summary>
internal sealed class LoadedModel
{
    private readonly Func<byte[], InferenceSession> _createSession;
    private readonly Lazy<InferenceSession> _session;
    private readonly Lazy<TracedSession> _traced;
    private string[]? _outputNames;
    private int _leases;
    private bool _evicted;
    private bool _disposed;

    public LoadedModel(Hash32 id, byte[] bytes, Func<byte[], InferenceSession> createSession)
    {
        Id = id;
        _createSession = createSession;
        _session = new Lazy<InferenceSession>(() => createSession(bytes), LazyThreadSafetyMode.ExecutionAndPublication);
        _traced = new Lazy<TracedSession>(() => CreateTraced(bytes), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Hash32 Id { get; }

    /// <summary>The plain session, created on first use (a traced-only model never builds it).</summary>
    public InferenceSession Session => _session.Value;

    /// <summary>The plain session's output names, read once.</summary>
    public string[] OutputNames => _outputNames ??= [.. Session.OutputNames];

    public TracedSession Traced => _traced.Value;

    public bool TryAcquire()
    {
        lock (this)
        {
            if (_evicted)
            {
                return false;
            }

            _leases++;
            return true;
        }
    }

    public void Release()
    {
        lock (this)
        {
            _leases--;
            DisposeIfIdle();
        }
    }

    public void Evict()
    {
        lock (this)
        {
            _evicted = true;
            DisposeIfIdle();
        }
    }

    private void DisposeIfIdle()
    {
        if (_evicted && _leases == 0 && !_disposed)
        {
            _disposed = true;
            if (_session.IsValueCreated)
            {
                _session.Value.Dispose();
            }

            if (_traced.IsValueCreated)
            {
                _traced.Value.Session.Dispose();
            }
        }
    }

    private TracedSession CreateTraced(byte[] bytes)
    {
        var proto = OnnxGraph.Parse(bytes);
        var layout = OnnxGraph.Layout(proto);
        var session = _createSession(OnnxGraph.BuildTracedModel(proto, layout));
        var graphOutputs = proto.Graph.Output.Select(o => o.Name).ToArray();
        return new TracedSession(session, proto, layout, graphOutputs);
    }
}

/// <summary>A session whose outputs are every node output, with the trace layout and index maps worked out once.</summary>
internal sealed class TracedSession
{
    public TracedSession(InferenceSession session, ModelProto model, TraceNode[] layout, string[] graphOutputs)
    {
        Session = session;
        Model = model;
        Layout = layout;
        GraphOutputs = graphOutputs;
        OutputNames = [.. session.OutputNames];
        var index = new Dictionary<string, int>(OutputNames.Length, StringComparer.Ordinal);
        for (var i = 0; i < OutputNames.Length; i++)
        {
            index[OutputNames[i]] = i;
        }

        OpTypes = layout.Select(n => n.OpType).ToArray();
        NodeOutputIndices = layout.Select(n => n.Outputs.Select(o => index[o]).ToArray()).ToArray();
        GraphOutputIndices = graphOutputs.Select(o => index[o]).ToArray();
    }

    public InferenceSession Session { get; }

    public ModelProto Model { get; }

    public TraceNode[] Layout { get; }

    /// <summary>The model's own outputs, in graph-output order.</summary>
    public string[] GraphOutputs { get; }

    /// <summary>The traced session's outputs (graph outputs, then every node output), requested in this order.</summary>
    public string[] OutputNames { get; }

    public string[] OpTypes { get; }

    /// <summary>For each node, the positions of its outputs in <see cref="OutputNames"/>.</summary>
    public int[][] NodeOutputIndices { get; }

    /// <summary>The positions of <see cref="GraphOutputs"/> in <see cref="OutputNames"/>.</summary>
    public int[] GraphOutputIndices { get; }
}
