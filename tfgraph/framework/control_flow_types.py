"""The op type names of TF1's v1 control flow, in one place.

TF1 spells each primitive twice: the plain op and its `Ref*` twin for reference-typed (variable)
inputs. The planner, placement, the session and the gradient pass all ask "is this a Switch /
a NextIteration / ...?"; they ask these sets, so a Ref variant is never forgotten in one of them.
"""
from typing import FrozenSet

SWITCH_TYPES: FrozenSet[str] = frozenset({"Switch", "RefSwitch"})
MERGE_TYPES: FrozenSet[str] = frozenset({"Merge", "RefMerge"})
ENTER_TYPES: FrozenSet[str] = frozenset({"Enter", "RefEnter"})
EXIT_TYPES: FrozenSet[str] = frozenset({"Exit", "RefExit"})
NEXT_ITERATION_TYPES: FrozenSet[str] = frozenset({"NextIteration", "RefNextIteration"})
LOOP_COND_TYPES: FrozenSet[str] = frozenset({"LoopCond"})

# Every op the planner turns into `if` blocks and `while` loops instead of running a kernel.
CONTROL_FLOW_TYPES: FrozenSet[str] = (SWITCH_TYPES | MERGE_TYPES | ENTER_TYPES | EXIT_TYPES
                                      | NEXT_ITERATION_TYPES | LOOP_COND_TYPES)
