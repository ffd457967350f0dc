//! Control-flow graph of one method: decoded instructions, basic blocks, successors, and the
//! exception handlers covering each instruction.

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::code::CodeItem;
use crate::insn::{DecodeErrorKind, Instruction, Instructions};
use crate::opcode::{Opcode, flags};

/// No block / no try.
pub(crate) const NONE: u32 = u32::MAX;

/// A basic block: instructions `first..end` (indices into [`Cfg::insns`]).
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub(crate) first: u32,
    pub(crate) end: u32,
    pub(crate) succ_start: u32,
    pub(crate) succ_end: u32,
}

/// A try range with its handler blocks.
#[derive(Debug, Clone)]
pub(crate) struct TryRange {
    pub(crate) handlers: Vec<u32>,
}

#[derive(Debug, Default)]
pub(crate) struct Cfg<'a> {
    pub(crate) insns: Vec<(u32, Instruction<'a>)>,
    pub(crate) blocks: Vec<Block>,
    pub(crate) succs: Vec<u32>,
    pub(crate) pred_count: Vec<u32>,
    /// Block of each instruction (`NONE` for payloads).
    pub(crate) block_of: Vec<u32>,
    /// Try range covering each instruction (`NONE` if none).
    pub(crate) covering_try: Vec<u32>,
    pub(crate) tries: Vec<TryRange>,
    /// Instruction index at each code unit (`NONE` inside instructions).
    index_at: Vec<u32>,
    pub(crate) anomalies: Vec<Anomaly>,
}

impl<'a> Cfg<'a> {
    /// Index of the instruction starting at code unit `address`.
    pub(crate) fn insn_at(&self, address: u32) -> Option<u32> {
        self.index_at
            .get(address as usize)
            .copied()
            .filter(|&i| i != NONE)
    }

    /// The block starting with the instruction at `address`, if the address is a block start.
    pub(crate) fn block_at(&self, address: u32) -> Option<u32> {
        let insn = self.insn_at(address)?;
        let block = *self.block_of.get(insn as usize)?;
        (block != NONE && self.blocks.get(block as usize)?.first == insn).then_some(block)
    }

    pub(crate) fn successors(&self, block: u32) -> &[u32] {
        match self.blocks.get(block as usize) {
            Some(b) => self
                .succs
                .get(b.succ_start as usize..b.succ_end as usize)
                .unwrap_or_default(),
            None => &[],
        }
    }

    /// The payload instruction a switch or `fill-array-data` at `insn` points to.
    pub(crate) fn payload_of(&self, insn: u32) -> Option<&Instruction<'a>> {
        let (at, instruction) = self.insns.get(insn as usize)?;
        let target = at.checked_add_signed(instruction.relative_target()?)?;
        let index = self.insn_at(target)?;
        let (_, payload) = self.insns.get(index as usize)?;
        if payload.opcode.is_payload() {
            return Some(payload);
        }
        // A padding nop may sit before the payload.
        if payload.opcode == Opcode::NOP {
            let (_, next) = self.insns.get(index as usize + 1)?;
            if next.opcode.is_payload() {
                return Some(next);
            }
        }
        None
    }

    /// Absolute branch targets of the instruction at `insn` (switch targets included).
    pub(crate) fn branch_targets(&self, insn: u32) -> Vec<u32> {
        let Some((at, instruction)) = self.insns.get(insn as usize) else {
            return Vec::new();
        };
        if instruction.opcode.has(flags::SWITCH) {
            return match self.payload_of(insn) {
                Some(payload) => payload
                    .switch_targets()
                    .iter()
                    .filter_map(|&(_, rel)| at.checked_add_signed(rel))
                    .collect(),
                None => Vec::new(),
            };
        }
        if instruction.opcode.has(flags::BRANCH) {
            return instruction
                .relative_target()
                .and_then(|rel| at.checked_add_signed(rel))
                .into_iter()
                .collect();
        }
        Vec::new()
    }

    /// Builds the graph. Undecodable instructions and bad targets are recorded as anomalies and
    /// left out.
    pub(crate) fn build(code: &CodeItem<'a>) -> Cfg<'a> {
        let mut cfg = Cfg::default();
        let units = code.insns_units() as usize;
        cfg.index_at = vec![NONE; units + 1];
        for item in Instructions::new(code.insns()) {
            match item {
                Ok((at, insn)) => {
                    if let Some(slot) = cfg.index_at.get_mut(at as usize) {
                        *slot = cfg.insns.len() as u32;
                    }
                    cfg.insns.push((at, insn));
                }
                Err(err) => {
                    let kind = match err.kind {
                        DecodeErrorKind::UnknownOpcode(_) => AnomalyKind::UnknownOpcode,
                        DecodeErrorKind::Truncated(_) => AnomalyKind::TruncatedInstruction,
                        DecodeErrorKind::Malformed(..) => AnomalyKind::BadCodeItem,
                    };
                    cfg.anomalies
                        .push(Anomaly::new(kind, err.to_string()).at(u64::from(code.offset)));
                }
            }
        }
        let n = cfg.insns.len();

        // Try ranges, resolved to handler addresses first (blocks come later).
        let (try_blocks, try_error) = code.try_blocks();
        if let Some(err) = try_error {
            cfg.anomalies.push(
                Anomaly::new(AnomalyKind::BadTryCatch, err.to_string()).at(u64::from(code.offset)),
            );
        }
        let mut leader = vec![false; n];
        if let Some(first) = cfg.insns.first()
            && !first.1.opcode.is_payload()
        {
            leader[0] = true;
        }
        let mark = |cfg: &mut Cfg<'a>, leader: &mut Vec<bool>, address: u32, what: &str| match cfg
            .insn_at(address)
        {
            Some(i) if !cfg.insns[i as usize].1.opcode.is_payload() => leader[i as usize] = true,
            _ => cfg.anomalies.push(
                Anomaly::new(
                    AnomalyKind::BadBranchTarget,
                    format!("{what} target {address:#x} is not an instruction"),
                )
                .at(u64::from(code.offset)),
            ),
        };
        for block in &try_blocks {
            for catch in &block.catches {
                mark(&mut cfg, &mut leader, catch.address, "handler");
            }
        }
        for i in 0..n {
            let opcode = cfg.insns[i].1.opcode;
            let ends_block = opcode
                .has(flags::BRANCH | flags::SWITCH | flags::RETURN | flags::THROW)
                || opcode.is_payload();
            if opcode.has(flags::BRANCH | flags::SWITCH) {
                for target in cfg.branch_targets(i as u32) {
                    mark(&mut cfg, &mut leader, target, "branch");
                }
                if opcode.has(flags::SWITCH) && cfg.payload_of(i as u32).is_none() {
                    cfg.anomalies.push(
                        Anomaly::new(
                            AnomalyKind::BadBranchTarget,
                            format!("{opcode} at {:#x} has no payload", cfg.insns[i].0),
                        )
                        .at(u64::from(code.offset)),
                    );
                }
            }
            if ends_block && i + 1 < n && !cfg.insns[i + 1].1.opcode.is_payload() {
                leader[i + 1] = true;
            }
        }

        // Blocks in address order; payloads belong to none.
        cfg.block_of = vec![NONE; n];
        let mut i = 0;
        while i < n {
            if cfg.insns[i].1.opcode.is_payload() {
                i += 1;
                continue;
            }
            let first = i;
            let block_id = cfg.blocks.len() as u32;
            cfg.block_of[i] = block_id;
            i += 1;
            while i < n && !leader[i] && !cfg.insns[i].1.opcode.is_payload() {
                let prev = cfg.insns[i - 1].1.opcode;
                if prev.has(flags::BRANCH | flags::SWITCH | flags::RETURN | flags::THROW) {
                    break;
                }
                cfg.block_of[i] = block_id;
                i += 1;
            }
            cfg.blocks.push(Block {
                first: first as u32,
                end: i as u32,
                succ_start: 0,
                succ_end: 0,
            });
        }

        for try_block in &try_blocks {
            let mut handlers = Vec::new();
            for catch in &try_block.catches {
                if let Some(b) = cfg.block_at(catch.address)
                    && !handlers.contains(&b)
                {
                    handlers.push(b);
                }
            }
            cfg.tries.push(TryRange { handlers });
        }
        cfg.covering_try = vec![NONE; n];
        for (t, try_block) in try_blocks.iter().enumerate() {
            // Instructions are in address order, so each range is a contiguous run.
            let from = cfg.insns.partition_point(|(at, _)| *at < try_block.start);
            for index in from..n {
                if cfg.insns[index].0 >= try_block.end {
                    break;
                }
                if cfg.covering_try[index] == NONE {
                    cfg.covering_try[index] = t as u32;
                }
            }
        }

        // Successors.
        cfg.pred_count = vec![0; cfg.blocks.len()];
        for b in 0..cfg.blocks.len() {
            let last = cfg.blocks[b].end - 1;
            let opcode = cfg.insns[last as usize].1.opcode;
            let mut succ: Vec<u32> = Vec::new();
            for target in cfg.branch_targets(last) {
                if let Some(tb) = cfg.block_at(target) {
                    succ.push(tb);
                }
            }
            let falls_through = opcode.has(flags::CONTINUES);
            if falls_through
                && let Some(next) = cfg.block_of.get(cfg.blocks[b].end as usize).copied()
                && next != NONE
            {
                succ.push(next);
            }
            succ.sort_unstable();
            succ.dedup();
            let start = cfg.succs.len() as u32;
            for &s in &succ {
                cfg.pred_count[s as usize] += 1;
            }
            cfg.succs.extend(succ);
            cfg.blocks[b].succ_start = start;
            cfg.blocks[b].succ_end = cfg.succs.len() as u32;
        }
        for t in &cfg.tries {
            for &h in &t.handlers {
                cfg.pred_count[h as usize] += 1;
            }
        }
        cfg
    }

    /// Handler blocks an exception thrown at instruction `insn` can reach.
    pub(crate) fn handlers_of(&self, insn: u32) -> &[u32] {
        match self.covering_try.get(insn as usize).copied() {
            Some(t) if t != NONE => self
                .tries
                .get(t as usize)
                .map(|t| t.handlers.as_slice())
                .unwrap_or_default(),
            _ => &[],
        }
    }

    /// Blocks reachable from the entry, following normal and exception edges.
    pub(crate) fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; self.blocks.len()];
        if self.blocks.is_empty() {
            return seen;
        }
        let mut stack = vec![0u32];
        seen[0] = true;
        while let Some(b) = stack.pop() {
            let block = &self.blocks[b as usize];
            let mut next: Vec<u32> = self.successors(b).to_vec();
            for i in block.first..block.end {
                if self.insns[i as usize].1.opcode.has(flags::CAN_THROW) {
                    next.extend_from_slice(self.handlers_of(i));
                }
            }
            for s in next {
                if let Some(flag) = seen.get_mut(s as usize)
                    && !*flag
                {
                    *flag = true;
                    stack.push(s);
                }
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(words: &[u16]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn branches_split_blocks_and_link_successors() {
        // 0: if-eqz v0, +3   2: const/4 v1, 1   3: goto +2   4: const/4 v1, 2   5: return v1
        let code = units(&[0x0038, 0x0004, 0x1112, 0x0228, 0x2112, 0x010f]);
        let item = CodeItem::for_test(2, &code);
        let cfg = Cfg::build(&item);
        assert!(cfg.anomalies.is_empty(), "{:?}", cfg.anomalies);
        let starts: Vec<u32> = cfg
            .blocks
            .iter()
            .map(|b| cfg.insns[b.first as usize].0)
            .collect();
        assert_eq!(starts, [0, 2, 4, 5]);
        assert_eq!(cfg.successors(0), [1, 2]);
        assert_eq!(cfg.successors(1), [3]);
        assert_eq!(cfg.successors(2), [3]);
        assert!(cfg.successors(3).is_empty());
        assert_eq!(cfg.pred_count, [0, 1, 1, 2]);
        assert!(cfg.reachable().iter().all(|&r| r));
    }

    #[test]
    fn switch_targets_come_from_the_payload_and_bad_targets_are_reported() {
        // 0: packed-switch v0, +4 (payload at 4)   3: return-void   4: payload with targets +3, +99
        let code = units(&[
            0x002b, 0x0004, 0x0000, 0x000e, 0x0100, 0x0002, 0, 0, 3, 0, 99, 0,
        ]);
        let item = CodeItem::for_test(1, &code);
        let cfg = Cfg::build(&item);
        assert_eq!(cfg.branch_targets(0), [3, 99]);
        assert_eq!(cfg.blocks.len(), 2, "the payload belongs to no block");
        assert!(
            cfg.anomalies
                .iter()
                .any(|a| a.kind == AnomalyKind::BadBranchTarget)
        );
        assert_eq!(cfg.successors(0), [1]);
    }
}
