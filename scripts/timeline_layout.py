"""Where the timeline's lanes go, top to bottom (y grows downwards): per
resource its label rows (when it has violations), belief rows, write strip and
core record; per client with a session its view of the session and the
core's record of it; then partition labels, run-wide violation labels, the
servers and the other nodes shown. Pure arithmetic, no matplotlib."""

BELIEF_H, WRITE_H, CORE_H, GAP = 0.62, 0.2, 0.3, 0.45
SESSION_H = 0.42
SERVER_H, NODE_H = 0.62, 0.5
LABEL_ROW = 0.3


class Layout:
    """res_layout: resource -> (top, belief_top, nrows, rows, write_top,
    core_top, bottom); session_layout: client -> (view_top, core_top, nrows,
    rows, bottom); label_rows: resource (or None: servers) -> y of its
    label rows' bottom; node_layout: node -> (top, height); server_top and
    total_h (the main panel's height)."""

    def __init__(self, model):
        vio_res = {v.resource for v in model.violations}
        vio_global = any(v.resource is None for v in model.violations)
        y = 0.0
        self.res_layout = res_layout = {}
        self.label_rows = label_rows = {}
        for r in model.resources:
            rows, nrows = model.lanes_of_resource(r)
            if r in vio_res:
                y += 3 * LABEL_ROW + 0.1
                label_rows[r] = y - 0.3
            top = y
            belief_top = y
            y += BELIEF_H * nrows
            write_top = y
            y += WRITE_H
            core_top = y
            y += CORE_H
            res_layout[r] = (top, belief_top, nrows, rows, write_top, core_top, y)
            y += GAP
        self.session_layout = session_layout = {}
        for q in model.session_clients:
            rows, nrows = model.lanes_of_sessions(q)
            view_top = y
            y += SESSION_H
            core_top = y
            y += CORE_H * nrows
            session_layout[q] = (view_top, core_top, nrows, rows, y)
            y += GAP
        self.node_layout = node_layout = {}
        y += LABEL_ROW   # partition / heal labels
        if vio_global:
            y += 3 * LABEL_ROW + 0.1
            label_rows[None] = y - 0.3
        self.server_top = y
        for n in model.servers:
            node_layout[n] = (y, SERVER_H)
            y += SERVER_H + 0.25
        for n in model.others:
            node_layout[n] = (y, NODE_H)
            y += NODE_H + 0.25
        self.total_h = y
