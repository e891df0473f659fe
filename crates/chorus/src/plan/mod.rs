//! Binding and planning: AST → compiled expressions and executable plans.

pub mod access_path;
pub mod bind;
pub mod covering;
pub mod group_index;
pub mod index_expr;
pub mod min_max;
pub mod names;
pub mod order_index;
pub mod recursive;
pub mod rowvalue;
pub mod select;
pub mod window;
