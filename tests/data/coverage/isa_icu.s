; coverage: the ICU's instructions on configs/tiny.yaml, every one working: Ifetch of a .block,
; Sync and Notify, Iterations/Step/Countdown, Config, Deskew and RuntimeDeskew, Gather and
; Scatter with maps from MEM. (The Ifetch, Sync and Config part is tests/unit/test_chip_engine.cpp's.)
.tensor a MEM_E0 0 2 i8
.tensor b MEM_E3 0 2 i8
.tensor w MEM_W0 0 4 i8
.block writes MEM_E3 MEM_E0 0x100
    Write 0x0, s0e
    Write 0x1, s0e
.end
.queue MEM_E0
    Read 0x100, s1e     ; the block's two words: at MEM_E3 in cycles 5 and 6
    Repeat 1, 1, 1
    NOP 1
    Read 0, s0e         ; rows of a: at MEM_E3 in 8 and 9, where the fetched Writes run
    Repeat 1, 1, 1
.queue MEM_E3
    NOP 5
    Ifetch 2, s1e
.queue MEM_W0
    Sync                ; released by VXM.3's Notify
    Iterations 4
    Step 1
    Countdown 2
    Read 0, s2w
.queue VXM.3
    Config low_power
    NOP 20
    Config normal
    Notify

; Gather and Scatter: MEM_E10 (position 58) holds the maps (word 5, then word 6, in the first
; two bytes of the one tile); MEM_E11 (59) gathers word 5 and scatters it to word 6.
.tensor map MEM_E10 0 2 u8
.data map 0 5
.data map 1 6
.tensor d MEM_E11 5 2 u8
.fill d 0x2a
.queue MEM_E10
    Read 0, s3e         ; at MEM_E11 in cycle 3
    NOP 1
    Read 1, s5e         ; at MEM_E11 in cycle 5
.queue MEM_E11
    NOP 3
    Gather s3e, s4e     ; word 5 onto s4e at MEM_E11 in cycle 5
    NOP 1
    Scatter s4e, s5e    ; cycle 5: to word 6

; Deskew waits for the chip's next counter epoch; RuntimeDeskew then keeps the queue in step.
.queue MEM_E20
    Deskew
    RuntimeDeskew 10
    NOP 1
