namespace DlGpuTools.Bandwidth
{
    /// <summary>The kind of host memory a test copies from or to.</summary>
    internal enum HostMemory
    {
        /// <summary>The test touches no host memory.</summary>
        None,

        /// <summary>cuMemHostAlloc, portable: what the copy engines reach directly.</summary>
        PageLocked,

        /// <summary>cuMemHostAlloc, portable and mapped into the GPU's address space, so a kernel can load and store it.</summary>
        PageLockedMapped,

        /// <summary>Ordinary process memory, which the driver stages through its own page-locked buffers.</summary>
        Pageable,
    }

    /// <summary>
    /// The buffers a test allocates, each of the test's buffer size: the session sizes the buffer from this (how many
    /// must fit in free GPU memory) instead of from the test's name.
    /// </summary>
    internal sealed class BufferPlan
    {
        public BufferPlan(int deviceBuffers, int hostBuffers = 0, HostMemory hostMemory = HostMemory.None, bool blockSums = false)
        {
            DeviceBuffers = deviceBuffers;
            HostBuffers = hostBuffers;
            HostMemory = hostBuffers == 0 ? HostMemory.None : hostMemory;
            BlockSums = blockSums;
        }

        /// <summary>Buffers on the measured GPU (and as many again on the peer, for a peer test).</summary>
        public int DeviceBuffers { get; }

        public int HostBuffers { get; }

        public HostMemory HostMemory { get; }

        /// <summary>The read kernel's one 4-byte result per block, on the GPU besides the buffers.</summary>
        public bool BlockSums { get; }

        public override string ToString()
        {
            string device = $"{DeviceBuffers} device buffer(s)" + (BlockSums ? " + block sums" : string.Empty);
            return HostBuffers == 0 ? device : $"{device}, {HostBuffers} host buffer(s) {HostMemory}";
        }
    }
}
